import { RateLimitedError } from "@bazaar/service-kit/platform";
import type { Context, MiddlewareHandler } from "hono";
import { withResponseHeaders } from "../http/errors.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { TokenBuckets } from "./token-buckets.js";

export interface RateLimitOptions {
  readonly windowSeconds: number;
  /** Requests per window for a signed-in user (keyed by user id). */
  readonly perUser: number;
  /** Requests per window for an anonymous client (keyed by IP). */
  readonly perAnonymous: number;
  /**
   * Requests per window on `/api/auth/*` (keyed by IP: logins are where passwords get guessed). A
   * successful login gives its token back: only failed attempts (and registrations) spend this budget.
   */
  readonly perAuth: number;
  readonly maxBuckets: number;
  readonly clientIp: (c: Context<GatewayEnv>) => string;
}

const LOGIN_PATH = "/api/auth/login";

interface Policy {
  readonly buckets: TokenBuckets;
  readonly limit: number;
  /** The `RateLimit-Policy` header value, built once. */
  readonly header: string;
}

/**
 * `rateLimit` gives every response the IETF draft headers (`RateLimit-Policy: 100;w=60`,
 * `RateLimit: limit=100, remaining=99, reset=1`) and refuses a request over the limit with a 429 problem
 * and `Retry-After`. Three policies: per user, per anonymous IP, and a stricter one per IP for
 * `/api/auth/*`. Buckets are in memory: the limits hold per gateway instance.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<GatewayEnv> {
  const policy = (limit: number): Policy => ({
    buckets: new TokenBuckets({
      capacity: limit,
      windowMs: options.windowSeconds * 1000,
      maxBuckets: options.maxBuckets,
    }),
    limit,
    header: `${limit};w=${options.windowSeconds}`,
  });
  const user = policy(options.perUser);
  const anonymous = policy(options.perAnonymous);
  const auth = policy(options.perAuth);

  return async (c, next) => {
    const principal = c.get("principal");
    const [chosen, key] = c.req.path.startsWith("/api/auth/")
      ? [auth, options.clientIp(c)]
      : principal
        ? [user, principal.userId]
        : [anonymous, options.clientIp(c)];
    const take = chosen.buckets.take(key);
    const value = `limit=${chosen.limit}, remaining=${take.remaining}, reset=${take.resetSeconds}`;
    if (!take.allowed)
      throw withResponseHeaders(
        new RateLimitedError(`too many requests: retry in ${take.retryAfterSeconds} s`),
        {
          "Retry-After": String(take.retryAfterSeconds),
          "RateLimit-Policy": chosen.header,
          RateLimit: value,
        },
      );
    await next();
    let remaining = take.remaining;
    if (chosen === auth && c.req.path === LOGIN_PATH && c.res.status === 200) {
      chosen.buckets.refund(key);
      remaining = Math.min(chosen.limit, remaining + 1);
    }
    c.res.headers.set("RateLimit-Policy", chosen.header);
    c.res.headers.set(
      "RateLimit",
      `limit=${chosen.limit}, remaining=${remaining}, reset=${take.resetSeconds}`,
    );
    return undefined;
  };
}
