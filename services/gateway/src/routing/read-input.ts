import { parseOrThrow } from "@bazaar/service-kit/platform";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import * as v from "valibot";
import type { GatewayEnv } from "../http/gateway-env.js";
import { requiredIdempotencyKey } from "../http/idempotency.js";
import { checkJsonContent, isJsonObject } from "../http/input.js";
import { assertAccess } from "../middleware/require-role.js";
import type { Access } from "../openapi/operation.js";
import type { IdempotencyUse } from "./route-declaration.js";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** What `readInput` checks, in the order it checks it. */
export interface InputRules {
  readonly access: Access;
  readonly params: v.GenericSchema | undefined;
  readonly query: { readonly raw: v.GenericSchema; readonly schema: v.GenericSchema } | undefined;
  readonly idempotencyKey: IdempotencyUse | undefined;
  readonly body: v.GenericSchema | undefined;
  readonly bodyRequired: boolean;
}

/** Every body the gateway takes is a JSON object (see `isJsonObject`). */
const JSON_OBJECT = v.custom<Record<string, unknown>>(isJsonObject, "must be a JSON object");

/** The query as Hono's validator reads it: one value per name, or an array when a name repeats. */
function rawQuery(c: Context<GatewayEnv>): Record<string, string | string[]> {
  return Object.fromEntries(
    Object.entries(c.req.queries()).map(([name, values]) => [name, values.length === 1 ? values[0] : values]),
  ) as Record<string, string | string[]>;
}

/** The JSON body, parsed when the request says it is JSON (an optional body that is absent counts as `{}`). */
async function jsonOf(c: Context<GatewayEnv>): Promise<unknown> {
  const mediaType = c.req.header("content-type")?.split(";")[0]?.trim() ?? "";
  if (!JSON_MEDIA_TYPE.test(mediaType)) return {};
  try {
    return await c.req.json();
  } catch {
    // Hono's own words for it, mapped to BAD_REQUEST by the error handler like every HTTPException.
    throw new HTTPException(400, { message: "Malformed JSON in request body" });
  }
}

/**
 * `readInput` runs a route's guard and validation in one fixed order: who may call (401/403), the path
 * parameters, the query, the required `Idempotency-Key`, the body's media type (415), then the body
 * (400). One order for every route, so the first refusal a client gets never depends on which file wrote
 * the route. Messages list field paths, never values.
 */
export async function readInput(
  c: Context<GatewayEnv>,
  rules: InputRules,
): Promise<{ params: unknown; query: unknown; body: unknown }> {
  assertAccess(c, rules.access);
  const params = rules.params ? parseOrThrow(rules.params, c.req.param(), "path") : undefined;
  const query = rules.query
    ? parseOrThrow(rules.query.schema, parseOrThrow(rules.query.raw, rawQuery(c), "query"), "query")
    : undefined;
  if (rules.idempotencyKey === "required") requiredIdempotencyKey(c);
  let body: unknown;
  if (rules.body) {
    checkJsonContent(c, { optional: !rules.bodyRequired });
    body = parseOrThrow(
      rules.body,
      parseOrThrow(JSON_OBJECT, await jsonOf(c), "request body"),
      "request body",
    );
  }
  return { params, query, body };
}
