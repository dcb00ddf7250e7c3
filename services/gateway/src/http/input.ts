import { appError } from "@bazaar/service-kit";
import type { MiddlewareHandler } from "hono";
import { validator } from "hono/validator";
import * as v from "valibot";
import type { GatewayEnv } from "./gateway-env.js";
import { validate } from "./validate.js";

const JSON_MEDIA_TYPE = /^application\/(?:[\w.-]+\+)?json$/i;

function hasBody(req: Request): boolean {
  return req.headers.has("transfer-encoding") || Number(req.headers.get("content-length") ?? "0") > 0;
}

/**
 * `requireJson` refuses a body that is not JSON with 415 before anything reads it, and so a body in a
 * content coding (`Content-Encoding: gzip`...), which the gateway does not decode and must not read as if
 * it were plain. With `optional`, a request without a body passes (and its body counts as `{}`).
 */
export function requireJson(options: { optional?: boolean } = {}): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const coding = c.req.header("content-encoding")?.trim().toLowerCase();
    if (coding && coding !== "identity")
      throw appError("UNSUPPORTED_MEDIA_TYPE", "the request body must not be content-encoded");
    const mediaType = c.req.header("content-type")?.split(";")[0]?.trim() ?? "";
    if (JSON_MEDIA_TYPE.test(mediaType) || (options.optional && !hasBody(c.req.raw))) return next();
    throw appError("UNSUPPORTED_MEDIA_TYPE", "the request body must be application/json");
  };
}

/**
 * `jsonBody` parses and validates the JSON body against a schema made from a contract's: a malformed body
 * is a 400 (Hono's exception, mapped), an invalid one a 400 listing field paths, never the values.
 */
export function jsonBody<TSchema extends v.GenericSchema>(schema: TSchema) {
  return validator("json", (value): v.InferOutput<TSchema> => validate(schema, value, "request body"));
}

/**
 * `queryOf` reads the query string: `raw` turns the strings into typed values, then `schema` (the
 * contract's own entries) checks them and applies its defaults, so the bounds are written once.
 */
export function queryOf<TRaw extends v.GenericSchema, TSchema extends v.GenericSchema>(
  raw: TRaw,
  schema: TSchema,
) {
  return validator(
    "query",
    (value): v.InferOutput<TSchema> => validate(schema, validate(raw, value, "query"), "query"),
  );
}

/** `paramsOf` validates path parameters. */
export function paramsOf<TSchema extends v.GenericSchema>(schema: TSchema) {
  return validator("param", (value): v.InferOutput<TSchema> => validate(schema, value, "path"));
}

/** `IntQuery` reads an integer query parameter (its range is the contract's business). */
export const IntQuery = v.pipe(
  v.string(),
  v.regex(/^\d{1,9}$/, "must be a non-negative integer"),
  v.transform(Number),
);

/** `PageQuery` is the query of a paged list (`cursor`, `limit`) as strings arrive. */
export const PageQuery = v.object({ cursor: v.optional(v.string()), limit: v.optional(IntQuery) });
