import { type RpcResponse, users } from "@bazaar/contracts";
import { AppError, RateLimitedError } from "@bazaar/service-kit/platform";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { withResponseHeaders } from "../http/errors.js";
import { idempotencyKeyOf } from "../http/idempotency.js";
import { accountKey, type LoginThrottle } from "../middleware/login-throttle.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

/** What a login returns to the client: the token, without the user record users adds for services. */
export const AccessToken = v.pick(users.Token, ["accessToken", "tokenType", "expiresIn"]);

/** `authRoutes`: registration and login (throttled per account), under `/api/auth` (users). */
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
    summary: "Exchange an email and password for a short-lived access token (EdDSA JWT)",
    description:
      "Changes nothing, so it takes no Idempotency-Key: a retry just gets another token. A wrong email or password is 401. Failed attempts are limited per account (after a few, each further attempt waits, longer each time: 429 with Retry-After) as well as per client IP; a successful login counts against neither.",
    body: users.login.request,
    success: { status: 200, description: "A bearer token", schema: AccessToken },
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
      // A token response must never be cached (RFC 6749 §5.1).
      c.header("Cache-Control", "no-store");
      return c.json({
        accessToken: token.accessToken,
        tokenType: token.tokenType,
        expiresIn: token.expiresIn,
      });
    },
  });

  return { prefix: "/api/auth", tag: "auth", routes: [register, login] };
}
