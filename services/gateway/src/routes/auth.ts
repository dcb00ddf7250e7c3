import { type RpcResponse, users } from "@bazaar/contracts";
import { AppError, RateLimitedError } from "@bazaar/service-kit/platform";
import type { Context } from "hono";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { withResponseHeaders } from "../http/errors.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { idempotencyKeyOf } from "../http/idempotency.js";
import { accountKey, type LoginThrottle } from "../middleware/login-throttle.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

/**
 * What login and refresh return to the client: the access token and the refresh token that gets the next
 * one, without the user record users adds for services.
 */
export const AccessToken = v.pick(users.Session, [
  "accessToken",
  "tokenType",
  "expiresIn",
  "refreshToken",
  "refreshExpiresIn",
]);

/** `tokenResponse` answers a session to the client; a token response must never be cached (RFC 6749 §5.1). */
function tokenResponse(c: Context<GatewayEnv>, session: RpcResponse<typeof users.refresh>): Response {
  c.header("Cache-Control", "no-store");
  return c.json({
    accessToken: session.accessToken,
    tokenType: session.tokenType,
    expiresIn: session.expiresIn,
    refreshToken: session.refreshToken,
    refreshExpiresIn: session.refreshExpiresIn,
  } satisfies v.InferOutput<typeof AccessToken>);
}

/**
 * `authRoutes`: registration, login (throttled per account), refresh and logout, under `/api/auth` (users).
 * All of them are under the stricter per-IP `/api/auth/*` rate limit.
 */
export function authRoutes(runtime: GatewayRuntime, throttle: LoginThrottle): RouteGroup {
  const register = defineRoute({
    method: "post",
    path: "/register",
    access: "public",
    summary: "Create a customer account",
    description:
      "The Idempotency-Key is required: a retry gets the account it created. Without a token the key's scope is anonymous, so a retry is recognised only with the very same body (the password included: it is fingerprinted with a salted slow hash, never stored).",
    body: users.register.request,
    idempotencyKey: "required",
    success: { status: 201, description: "The new account", schema: users.User },
    errors: ["CONFLICT"],
    handler: async (c, { body }) => {
      const options = downstream(c, users.register, { idempotencyKey: idempotencyKeyOf(c) });
      return c.json(await runtime.call(users.register, body, options), 201);
    },
  });

  const login = defineRoute({
    method: "post",
    path: "/login",
    access: "public",
    summary: "Exchange an email and password for a short-lived access token (EdDSA JWT) and a refresh token",
    description:
      "Starts a session: the refresh token (opaque, single use) gets the next access token from POST /api/auth/refresh. Takes no Idempotency-Key: a retry just starts another session. A wrong email or password is 401. Failed attempts are limited per account (after a few, each further attempt waits, longer each time: 429 with Retry-After) as well as per client IP; a successful login counts against neither.",
    body: users.login.request,
    success: { status: 200, description: "A bearer token and a refresh token", schema: AccessToken },
    errors: ["UNAUTHORIZED", "RATE_LIMITED"],
    handler: async (c, { body: credentials }) => {
      const account = accountKey(credentials.email);
      const wait = throttle.waitSeconds(account);
      // Refused before the password is tried: a guess during the wait tells nothing.
      if (wait > 0)
        throw withResponseHeaders(
          new RateLimitedError(`too many failed logins for this account: retry in ${wait} s`),
          { "Retry-After": String(wait) },
        );
      let token: RpcResponse<typeof users.login>;
      try {
        token = await runtime.call(users.login, credentials, downstream(c, users.login));
      } catch (err) {
        if (err instanceof AppError && err.code === "UNAUTHORIZED") throttle.failed(account);
        throw err;
      }
      throttle.succeeded(account);
      return tokenResponse(c, token);
    },
  });

  const refresh = defineRoute({
    method: "post",
    path: "/refresh",
    access: "public",
    summary: "Trade a refresh token for a new access token and a rotated refresh token",
    description:
      "The refresh token sent is spent: keep only the one returned. The new access token carries the account's current role. Every refusal is the same 401 (reason INVALID_REFRESH_TOKEN): unknown, expired, logged out, account deleted, or already used. A token used a second time is taken as stolen and ends its whole session, the newest token included, so a client must never send two refreshes with one token. No Idempotency-Key: a retry of a refresh that went through is such a second use.",
    body: users.refresh.request,
    success: {
      status: 200,
      description: "A bearer token and the refresh token that replaces the one sent",
      schema: AccessToken,
    },
    errors: ["UNAUTHORIZED", "RATE_LIMITED"],
    handler: async (c, { body }) =>
      tokenResponse(c, await runtime.call(users.refresh, body, downstream(c, users.refresh))),
  });

  const logout = defineRoute({
    method: "post",
    path: "/logout",
    access: "public",
    summary: "End the session a refresh token belongs to",
    description:
      "Revokes the refresh token and every token of its session. Idempotent: an unknown, expired or already revoked token is 204 as well. Access tokens already issued stay valid until they expire.",
    body: users.logout.request,
    success: { status: 204, description: "The session is over (or was already)" },
    errors: ["RATE_LIMITED"],
    handler: async (c, { body }) => {
      await runtime.call(users.logout, body, downstream(c, users.logout));
      return c.body(null, 204);
    },
  });

  return { prefix: "/api/auth", tag: "auth", routes: [register, login, refresh, logout] };
}
