import { orderViews, PageRequest } from "@bazaar/contracts";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { PageQuery } from "../http/input.js";
import { principalOf } from "../middleware/require-role.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

/** `myOrdersRoutes`: the caller's order list, read from order-views only (never orders itself). */
export function myOrdersRoutes(runtime: GatewayRuntime): RouteGroup {
  const list = defineRoute({
    method: "get",
    path: "/",
    access: "user",
    summary: "Your orders, newest first, from the read model (eventually consistent)",
    query: { raw: PageQuery, schema: v.object({ ...PageRequest }) },
    success: { status: 200, description: "A page of order views", schema: orderViews.listMyOrders.response },
    handler: async (c, { query }) => {
      const input = { ...query, userId: principalOf(c).userId };
      return c.json(
        await runtime.call(orderViews.listMyOrders, input, downstream(c, orderViews.listMyOrders)),
      );
    },
  });
  return { prefix: "/api/my-orders", tag: "orders", routes: [list] };
}
