import { notifications, PageRequest } from "@bazaar/contracts";
import { Hono } from "hono";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { PageQuery, queryOf } from "../http/input.js";
import { principalOf, requireUser } from "../middleware/require-role.js";
import type { OperationDoc } from "../openapi/operation.js";

const Page = v.object({ ...PageRequest });
const list = notifications.listNotifications;

export const notificationDocs: readonly OperationDoc[] = [
  {
    method: "get",
    path: "/api/notifications",
    tag: "notifications",
    access: "user",
    summary: "Messages sent to you, newest first",
    query: PageRequest,
    success: { status: 200, description: "A page of notifications", schema: list.response },
  },
];

/** `notificationRoutes`: the caller's notifications (notifications). */
export function notificationRoutes(runtime: GatewayRuntime): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get("/api/notifications", requireUser, queryOf(PageQuery, Page), async (c) => {
    const input = { ...c.req.valid("query"), userId: principalOf(c).userId };
    return c.json(await runtime.call(list, input, downstream(c, list)));
  });
  return app;
}
