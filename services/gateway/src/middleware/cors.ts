import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { GatewayEnv } from "../http/gateway-env.js";

/**
 * `corsFor` lets the configured browser origins call the API (the console at :3100 by default). Tokens
 * travel in the Authorization header, never in cookies, so credentials stay off; the headers a client
 * needs to read (request id, rate limits, Location) are exposed.
 */
export function corsFor(origins: readonly string[]): MiddlewareHandler<GatewayEnv> {
  return cors({
    origin: [...origins],
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id", "traceparent"],
    exposeHeaders: ["X-Request-Id", "RateLimit", "RateLimit-Policy", "Retry-After", "Location"],
    maxAge: 600,
  });
}
