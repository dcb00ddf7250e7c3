import { users } from "@bazaar/contracts";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { principalOf } from "../middleware/require-role.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

/** `meRoutes`: the caller's own account, at `/api/me` (users). */
export function meRoutes(runtime: GatewayRuntime): RouteGroup {
  const me = defineRoute({
    method: "get",
    path: "/",
    access: "user",
    summary: "The signed-in user",
    success: { status: 200, description: "The account the token names", schema: users.User },
    errors: ["NOT_FOUND"],
    handler: async (c) => {
      const { userId } = principalOf(c);
      return c.json(await runtime.call(users.getUser, { userId }, downstream(c, users.getUser)));
    },
  });
  return { prefix: "/api/me", tag: "auth", routes: [me] };
}
