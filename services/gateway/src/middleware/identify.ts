import { AppError, UnauthorizedError } from "@bazaar/service-kit/platform";
import type { Context, MiddlewareHandler } from "hono";
import type { VerifyToken } from "../auth/verify-token.js";
import type { GatewayEnv } from "../http/gateway-env.js";

const BEARER = /^Bearer +(\S+)$/i;

async function resolve(
  c: Context<GatewayEnv>,
  verify: VerifyToken,
  token: string | undefined,
): Promise<void> {
  if (!token) {
    c.set(
      "authError",
      new UnauthorizedError("use Authorization: Bearer <token>", { reason: "INVALID_TOKEN" }),
    );
    return;
  }
  try {
    c.set("principal", await verify(token));
  } catch (err) {
    // Kept, not thrown: a public route ignores a bad token; a protected one answers with this error.
    if (!(err instanceof AppError)) throw err;
    c.set("authError", err);
  }
}

/**
 * `identify` verifies the bearer token when one is presented and records who is calling (or why the token
 * was refused). It runs before rate limiting, so a user's requests share one bucket wherever they come from.
 */
export function identify(options: { verify: VerifyToken }): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization");
    if (header !== undefined) await resolve(c, options.verify, BEARER.exec(header)?.[1]);
    await next();
  };
}

/**
 * `queryToken` accepts the token as `?access_token=` when no Authorization header came: only for the event
 * stream, because a browser's EventSource cannot set headers. The token then appears in URLs (access logs
 * of proxies), which is why no other route accepts it.
 */
export function queryToken(options: { verify: VerifyToken }): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const token = c.req.query("access_token");
    if (c.req.header("authorization") === undefined && token !== undefined)
      await resolve(c, options.verify, token);
    await next();
  };
}
