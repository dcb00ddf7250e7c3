import { appError } from "@bazaar/service-kit/platform";
import type { Context } from "hono";
import * as v from "valibot";
import type { GatewayEnv } from "./gateway-env.js";

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

function hasBody(req: Request): boolean {
  return req.headers.has("transfer-encoding") || Number(req.headers.get("content-length") ?? "0") > 0;
}

/**
 * `checkJsonContent` refuses a body that is not JSON with 415 before anything reads it, and so a body in a
 * content coding (`Content-Encoding: gzip`...), which the gateway does not decode and must not read as if
 * it were plain. With `optional`, a request without a body passes (and its body counts as `{}`).
 */
export function checkJsonContent(c: Context<GatewayEnv>, options: { optional?: boolean } = {}): void {
  const coding = c.req.header("content-encoding")?.trim().toLowerCase();
  if (coding && coding !== "identity")
    throw appError("UNSUPPORTED_MEDIA_TYPE", "the request body must not be content-encoded");
  const mediaType = c.req.header("content-type")?.split(";")[0]?.trim() ?? "";
  if (JSON_MEDIA_TYPE.test(mediaType) || (options.optional && !hasBody(c.req.raw))) return;
  throw appError("UNSUPPORTED_MEDIA_TYPE", "the request body must be application/json");
}

/** `IntQuery` reads an integer query parameter (its range is the contract's business). */
export const IntQuery = v.pipe(
  v.string(),
  v.regex(/^\d{1,9}$/, "must be a non-negative integer"),
  v.transform(Number),
);

/** `PageQuery` is the query of a paged list (`cursor`, `limit`) as strings arrive. */
export const PageQuery = v.object({ cursor: v.optional(v.string()), limit: v.optional(IntQuery) });

/**
 * A JSON object, not an array: valibot's `object` takes an array for an object with none of its keys, so
 * `[]` would read as `{}` (an empty filter: everything).
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
