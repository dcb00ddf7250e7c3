import { toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";

export type JsonSchema = Record<string, unknown>;

/**
 * `jsonSchemaOf` is a contract schema as JSON Schema (draft 07, which AsyncAPI's default schema format
 * extends). Checks JSON Schema cannot say (a transform, a custom check) are left out rather than failing:
 * the document describes shapes, and the contracts still validate every message.
 */
export function jsonSchemaOf(schema: v.GenericSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, { errorMode: "ignore" }) as JsonSchema;
  return rest;
}
