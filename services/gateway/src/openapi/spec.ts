import { ERROR_CODES, type ErrorCode } from "@bazaar/contracts";
import { toJsonSchemaDefs } from "@valibot/to-json-schema";
import { COMPONENTS } from "./components.js";
import type { OperationDoc } from "./operation.js";
import { CONVERSION, HEADER_REFS, type Json, operationObject, PROBLEM_CONTENT } from "./operation-object.js";

/** `openApiPath` writes a Hono path the OpenAPI way: `/api/orders/:id` is `/api/orders/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, "{$1}");
}

/**
 * `buildOpenApi` writes the OpenAPI 3.1 document from the route docs: every schema is the contracts' (or
 * composed from them) converted by `@valibot/to-json-schema`, errors are `application/problem+json`, and
 * protected routes name the bearer scheme. The gateway builds it once, at start.
 */
export function buildOpenApi(options: { version: string; operations: readonly OperationDoc[] }): Json {
  const paths: Record<string, Json> = {};
  for (const op of options.operations) {
    const path = openApiPath(op.path);
    paths[path] = { ...(paths[path] ?? {}), [op.method]: operationObject(op) };
  }
  const schemas = toJsonSchemaDefs(COMPONENTS, CONVERSION);
  const responses = Object.fromEntries(
    (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => [
      code,
      {
        description: `${ERROR_CODES[code].title} (${code})`,
        headers: {
          "X-Request-Id": HEADER_REFS["X-Request-Id"],
          ...(code === "RATE_LIMITED" ? { "Retry-After": { $ref: "#/components/headers/Retry-After" } } : {}),
          ...(code === "UNAUTHORIZED"
            ? {
                "WWW-Authenticate": {
                  description: "The bearer challenge (RFC 6750)",
                  schema: { type: "string" },
                },
              }
            : {}),
        },
        content: PROBLEM_CONTENT,
      },
    ]),
  );
  return {
    openapi: "3.1.0",
    info: {
      title: "Bazaar API",
      version: options.version,
      description:
        "The public REST API of Bazaar, served by the gateway. Errors are RFC 9457 problem documents with a stable `code`. Sign in with POST /api/auth/login and send the token as `Authorization: Bearer <token>`.",
    },
    servers: [{ url: "/" }],
    tags: ["auth", "catalogue", "orders", "notifications", "admin", "system", "meta"].map((name) => ({
      name,
    })),
    paths,
    components: {
      schemas,
      responses,
      securitySchemes: { bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      headers: {
        "X-Request-Id": {
          description: "The request's id (the client's when valid, else generated)",
          schema: { type: "string" },
        },
        RateLimit: {
          description: "IETF draft: limit, remaining and reset (seconds) of the caller's bucket",
          schema: { type: "string" },
        },
        "RateLimit-Policy": {
          description: "IETF draft: the quota and its window, e.g. 100;w=60",
          schema: { type: "string" },
        },
        "Retry-After": {
          description: "Seconds until a request would be allowed",
          schema: { type: "integer" },
        },
      },
    },
  };
}
