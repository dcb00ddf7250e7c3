import { orderViews, PageRequest } from "@bazaar/contracts";
import { Hono } from "hono";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { PageQuery, queryOf } from "../http/input.js";
import { principalOf, requireUser } from "../middleware/require-role.js";
import type { OperationDoc } from "../openapi/operation.js";

const Page = v.object({ ...PageRequest });

export const myOrdersDocs: readonly OperationDoc[] = [
  {
    method: "get",
    path: "/api/my-orders",
    tag: "orders",
    access: "user",
    summary: "Your orders, newest first, from the read model (eventually consistent)",
    query: PageRequest,
    success: { status: 200, description: "A page of order views", schema: orderViews.listMyOrders.response },
  },
];

/** `myOrdersRoutes`: the caller's order list, read from order-views only (never orders itself). */
export function myOrdersRoutes(runtime: GatewayRuntime): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/api/my-orders", requireUser, queryOf(PageQuery, Page), async (c) => {
    const input = { ...c.req.valid("query"), userId: principalOf(c).userId };
    return c.json(await runtime.call(orderViews.listMyOrders, input, downstream(c, orderViews.listMyOrders)));
  });
  return app;
}
