import { type RpcResponse, users } from "@bazaar/contracts";
import { AppError, RateLimitedError } from "@bazaar/service-kit";
import { Hono } from "hono";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { errorResponse } from "../http/errors.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { idempotencyKeyOf, requireIdempotencyKey } from "../http/idempotency.js";
import { jsonBody, requireJson } from "../http/input.js";
import { accountKey, type LoginThrottle } from "../middleware/login-throttle.js";
import { principalOf, requireUser } from "../middleware/require-role.js";
import { type OperationDoc, REQUIRED_IDEMPOTENCY_KEY_HEADER } from "../openapi/operation.js";

/** What a login returns to the client: the token, without the user record users adds for services. */
export const AccessToken = v.pick(users.Token, ["accessToken", "tokenType", "expiresIn"]);

export const authDocs: readonly OperationDoc[] = [
  {
    method: "post",
    path: "/api/auth/register",
    tag: "auth",
    access: "public",
    summary: "Create a customer account",
    description:
      "The Idempotency-Key is required: a retry gets the account it created. Without a token the key's scope is anonymous, so a retry is recognised only with the very same body (the password included: it is fingerprinted with a salted slow hash, never stored).",
    body: users.register.request,
    headers: [REQUIRED_IDEMPOTENCY_KEY_HEADER],
    success: { status: 201, description: "The new account", schema: users.User },
    errors: ["CONFLICT"],
  },
  {
    method: "post",
    path: "/api/auth/login",
    tag: "auth",
    access: "public",
    summary: "Exchange an email and password for a short-lived access token (EdDSA JWT)",
    description:
      "Changes nothing, so it takes no Idempotency-Key: a retry just gets another token. Failed attempts are limited per account (after a few, each further attempt waits, longer each time: 429 with Retry-After) as well as per client IP; a successful login counts against neither.",
    body: users.login.request,
    success: { status: 200, description: "A bearer token", schema: AccessToken },
    errors: ["UNAUTHORIZED", "RATE_LIMITED"],
  },
  {
    method: "get",
    path: "/api/me",
    tag: "auth",
    access: "user",
    summary: "The signed-in user",
    success: { status: 200, description: "The account the token names", schema: users.User },
    errors: ["NOT_FOUND"],
  },
];

/** `authRoutes`: registration, login (throttled per account) and the caller's own account (users). */
export function authRoutes(runtime: GatewayRuntime, throttle: LoginThrottle): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.post(
    "/api/auth/register",
    requireIdempotencyKey,
    requireJson(),
    jsonBody(users.register.request),
    async (c) => {
      const options = downstream(c, users.register, { idempotencyKey: idempotencyKeyOf(c) });
      return c.json(await runtime.call(users.register, c.req.valid("json"), options), 201);
    },
  );

  app.post("/api/auth/login", requireJson(), jsonBody(users.login.request), async (c) => {
    const credentials = c.req.valid("json");
    const account = accountKey(credentials.email);
    const wait = throttle.waitSeconds(account);
    if (wait > 0) {
      // Refused before the password is tried: a guess during the wait tells nothing.
      const refused = errorResponse(
        new RateLimitedError(`too many failed logins for this account: retry in ${wait} s`),
        c,
      );
      refused.headers.set("Retry-After", String(wait));
      return refused;
    }
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
    return c.json({ accessToken: token.accessToken, tokenType: token.tokenType, expiresIn: token.expiresIn });
  });

  app.get("/api/me", requireUser, async (c) => {
    const { userId } = principalOf(c);
    return c.json(await runtime.call(users.getUser, { userId }, downstream(c, users.getUser)));
  });

  return app;
}
