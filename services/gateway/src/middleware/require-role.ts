import { ForbiddenError, UnauthorizedError } from "@bazaar/service-kit";
import type { Context, MiddlewareHandler } from "hono";
import type { GatewayEnv, Principal } from "../http/gateway-env.js";

/** `principalOf` is the caller of a route guarded by `requireUser`/`requireAdmin`. */
export function principalOf(c: Context<GatewayEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new UnauthorizedError("an access token is required");
  return principal;
}

/** `requireUser` lets only a verified token through: otherwise 401 with the reason it was refused. */
export const requireUser: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  if (!c.get("principal")) throw c.get("authError") ?? new UnauthorizedError("an access token is required");
  await next();
};

/** `requireAdmin` needs a verified token with the admin role: 401 without one, 403 for anyone else. */
export const requireAdmin: MiddlewareHandler<GatewayEnv> = async (c, next) => {
  const principal = c.get("principal");
  if (!principal) throw c.get("authError") ?? new UnauthorizedError("an access token is required");
  if (principal.role !== "admin") throw new ForbiddenError("this route needs the admin role");
  await next();
};
