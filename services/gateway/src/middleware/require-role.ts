import { ForbiddenError, UnauthorizedError } from "@bazaar/service-kit/platform";
import type { Context, MiddlewareHandler } from "hono";
import type { GatewayEnv, Principal } from "../http/gateway-env.js";
import type { Access } from "../openapi/operation.js";

/** `principalOf` is the caller of a route declared for users or admins (its guard has passed). */
export function principalOf(c: Context<GatewayEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new UnauthorizedError("an access token is required");
  return principal;
}

/**
 * `assertAccess` is the guard a route's declared access implies: anyone for `public`; a verified token for
 * `user` (401 with the reason the token was refused); a token with the admin role for `admin` (403 for
 * anyone else).
 */
export function assertAccess(c: Context<GatewayEnv>, access: Access): void {
  if (access === "public") return;
  const principal = c.get("principal");
  if (!principal) throw c.get("authError") ?? new UnauthorizedError("an access token is required");
  if (access === "admin" && principal.role !== "admin")
    throw new ForbiddenError("this route needs the admin role");
}

/**
 * `requireAdmin` guards the whole `/api/admin/*` prefix, whatever is mounted there: a path no route
 * declares is refused like an admin route (401/403), so nobody learns which admin paths exist.
 */
export const requireAdmin: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  assertAccess(c, "admin");
  await next();
};
