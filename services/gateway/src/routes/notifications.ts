import { notifications, PageRequest } from "@bazaar/contracts";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { PageQuery } from "../http/input.js";
import { principalOf } from "../middleware/require-role.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

const list = notifications.listNotifications;

/** `notificationRoutes`: the caller's notifications, at `/api/notifications` (notifications). */
export function notificationRoutes(runtime: GatewayRuntime): RouteGroup {
  const mine = defineRoute({
    method: "get",
    path: "/",
    access: "user",
    summary: "Messages sent to you, newest first",
    query: { raw: PageQuery, schema: v.object({ ...PageRequest }) },
    success: { status: 200, description: "A page of notifications", schema: list.response },
    handler: async (c, { query }) => {
      const input = { ...query, userId: principalOf(c).userId };
      return c.json(await runtime.call(list, input, downstream(c, list)));
    },
  });
  return { prefix: "/api/notifications", tag: "notifications", routes: [mine] };
}
