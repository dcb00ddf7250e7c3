import { ERROR_CODES, type ErrorCode } from "@bazaar/contracts";
import { type ConversionConfig, type JsonSchema, toJsonSchema } from "@valibot/to-json-schema";
import type * as v from "valibot";
import { COMPONENTS } from "./components.js";
import type { OperationDoc, ResponseDoc } from "./operation.js";

export type Json = Record<string, unknown>;

export const REF = (name: string): string => `#/components/schemas/${name}`;

/**
 * Transforms and trims have no JSON Schema form: `ignore` skips them instead of throwing. valibot's
 * `email()` is a regex, not JSON Schema's `format: email` (RFC 5321): it refuses quoted parts and IP
 * literals that the format allows, and allows local parts longer than the format's 64 characters. The
 * document gives the regex instead of the format, so it says which addresses pass, in and out.
 */
function withoutFormat(schema: JsonSchema): JsonSchema {
  const { format: _format, ...rest } = schema;
  return rest;
}

export const CONVERSION: ConversionConfig = {
  target: "draft-2020-12",
  errorMode: "ignore",
  overrideRef: (context) => REF(context.referenceId),
  overrideAction: ({ valibotAction: action, jsonSchema }) =>
    action.type === "email" && "requirement" in action && action.requirement instanceof RegExp
      ? { ...withoutFormat(jsonSchema), pattern: action.requirement.source }
      : undefined,
};

function jsonSchema(schema: v.GenericSchema): JsonSchema {
  const {
    $schema: _dialect,
    $defs: _defs,
    ...rest
  } = toJsonSchema(schema, {
    ...CONVERSION,
    definitions: COMPONENTS,
  });
  return rest;
}

export const PROBLEM_CONTENT = { "application/problem+json": { schema: { $ref: REF("Problem") } } };
export const HEADER_REFS = {
  "X-Request-Id": { $ref: "#/components/headers/X-Request-Id" },
  RateLimit: { $ref: "#/components/headers/RateLimit" },
  "RateLimit-Policy": { $ref: "#/components/headers/RateLimit-Policy" },
};

/**
 * The errors a route can answer: its own, plus those its access, input and downstream calls imply, and
 * those of the gateway's pipeline. Every request the gateway serves passes the rate limit (429) and the
 * body limit (413, even on a GET that sends a body); on `/api` the body must also arrive in time (400),
 * and downstream calls can find no service (503) or run out of time (504). The kit's own routes answer
 * before all of that (`servedBy: "kit"`).
 */
function errorsOf(op: OperationDoc): ErrorCode[] {
  const codes: ErrorCode[] = [...(op.errors ?? [])];
  const api = op.path.startsWith("/api/");
  if (op.params || op.query || op.body || op.headers?.length || api) codes.push("BAD_REQUEST");
  for (const header of op.headers ?? []) codes.push(...(Object.keys(header.errors ?? {}) as ErrorCode[]));
  if (op.access !== "public") codes.push("UNAUTHORIZED");
  if (op.access === "admin") codes.push("FORBIDDEN");
  if (op.body) codes.push("UNSUPPORTED_MEDIA_TYPE");
  if (op.servedBy !== "kit") codes.push("PAYLOAD_TOO_LARGE", "RATE_LIMITED");
  if (api) codes.push("UNAVAILABLE", "TIMEOUT");
  codes.push("INTERNAL");
  return [...new Set(codes)].sort((a, b) => ERROR_CODES[a].status - ERROR_CODES[b].status);
}

function parameters(op: OperationDoc): Json[] {
  const out: Json[] = [];
  for (const [name, schema] of Object.entries(op.params ?? {}))
    out.push({ name, in: "path", required: true, schema: jsonSchema(schema) });
  for (const [name, schema] of Object.entries(op.query ?? {})) {
    const optional = schema.type === "optional" || schema.type === "nullish";
    out.push({ name, in: "query", required: !optional, schema: jsonSchema(schema) });
  }
  for (const header of op.headers ?? [])
    out.push({
      name: header.name,
      in: "header",
      required: header.required ?? false,
      description: header.description,
      schema: { type: "string", minLength: 1, maxLength: 200 },
    });
  return out;
}

function responseObject(doc: ResponseDoc): Json {
  return {
    description: doc.description,
    headers: {
      ...HEADER_REFS,
      ...Object.fromEntries(
        Object.entries(doc.headers ?? {}).map(([name, description]) => [
          name,
          { description, schema: { type: "string" } },
        ]),
      ),
    },
    ...(doc.schema
      ? { content: { [doc.contentType ?? "application/json"]: { schema: jsonSchema(doc.schema) } } }
      : {}),
  };
}

/** `operationObject` is one route as an OpenAPI operation: parameters, body, responses, security. */
export function operationObject(op: OperationDoc): Json {
  const responses: Json = { [String(op.success.status)]: responseObject(op.success) };
  const own = new Set((op.alternatives ?? []).map((alt) => alt.status));
  for (const code of errorsOf(op)) {
    // A status the route answers with its own body (a 503 health report) is not also a problem document.
    if (own.has(ERROR_CODES[code].status)) continue;
    // OpenAPI 3.1 lets a reference carry its own description: what the code means on this route.
    const meanings = (op.headers ?? []).flatMap((h) => h.errors?.[code] ?? []);
    if (meanings.length > 0 && op.errors?.includes(code))
      meanings.unshift(`${ERROR_CODES[code].title} (${code})`);
    responses[String(ERROR_CODES[code].status)] = {
      $ref: `#/components/responses/${code}`,
      ...(meanings.length > 0 ? { description: meanings.join("; ") } : {}),
    };
  }
  for (const alt of op.alternatives ?? []) responses[String(alt.status)] = responseObject(alt);
  return {
    operationId: `${op.method}${op.path.replace(/[/:{}-]+(\w)?/g, (_, ch?: string) => (ch ? ch.toUpperCase() : ""))}`,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    security: op.access === "public" ? [] : [{ bearerAuth: [] }],
    parameters: parameters(op),
    ...(op.body
      ? {
          requestBody: {
            required: op.bodyRequired ?? true,
            content: { "application/json": { schema: jsonSchema(op.body) } },
          },
        }
      : {}),
    responses,
  };
}
