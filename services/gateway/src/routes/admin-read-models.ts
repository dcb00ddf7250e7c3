import { orderViews } from "@bazaar/contracts";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { idempotencyKeyOf } from "../http/idempotency.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

const REBUILD = "/order-views/rebuild";

/** `adminReadModelRoutes`: rebuilding the order-views read model, under `/api/admin/read-models`. */
export function adminReadModelRoutes(runtime: GatewayRuntime): RouteGroup {
  const start = defineRoute({
    method: "post",
    path: REBUILD,
    access: "admin",
    summary: "Rebuild the order-views read model by replaying the streams (202; poll with GET)",
    idempotencyKey: "optional",
    success: { status: 202, description: "The rebuild, started", schema: orderViews.RebuildStatus },
    errors: ["CONFLICT"],
    handler: async (c) => {
      const options = downstream(c, orderViews.rebuild, { idempotencyKey: idempotencyKeyOf(c) });
      return c.json(await runtime.call(orderViews.rebuild, {}, options), 202);
    },
  });

  const status = defineRoute({
    method: "get",
    path: REBUILD,
    access: "admin",
    summary:
      "State of the current or last rebuild: running, completed with its counts, or failed with the reason",
    success: { status: 200, description: "Its state", schema: orderViews.RebuildStatus },
    handler: async (c) =>
      c.json(await runtime.call(orderViews.rebuildStatus, {}, downstream(c, orderViews.rebuildStatus))),
  });

  return { prefix: "/api/admin/read-models", tag: "admin", routes: [start, status] };
}
