import { orderViews } from "@bazaar/contracts";
import { Hono } from "hono";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { idempotencyKeyOf } from "../http/idempotency.js";
import { IDEMPOTENCY_KEY_HEADER, type OperationDoc } from "../openapi/operation.js";

const PATH = "/api/admin/read-models/order-views/rebuild";

export const adminReadModelDocs: readonly OperationDoc[] = [
  {
    method: "post",
    path: PATH,
    tag: "admin",
    access: "admin",
    summary: "Rebuild the order-views read model by replaying the streams (202; poll with GET)",
    headers: [IDEMPOTENCY_KEY_HEADER],
    success: { status: 202, description: "The rebuild, started", schema: orderViews.RebuildStatus },
    errors: ["CONFLICT"],
  },
  {
    method: "get",
    path: PATH,
    tag: "admin",
    access: "admin",
    summary:
      "State of the current or last rebuild: running, completed with its counts, or failed with the reason",
    success: { status: 200, description: "Its state", schema: orderViews.RebuildStatus },
  },
];

/** `adminReadModelRoutes`: rebuilding the order-views read model (order-views). */
export function adminReadModelRoutes(runtime: GatewayRuntime): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.post(PATH, async (c) => {
    const options = downstream(c, orderViews.rebuild, { idempotencyKey: idempotencyKeyOf(c) });
    return c.json(await runtime.call(orderViews.rebuild, {}, options), 202);
  });

  app.get(PATH, async (c) =>
    c.json(await runtime.call(orderViews.rebuildStatus, {}, downstream(c, orderViews.rebuildStatus))),
  );

  return app;
}
