import { Id, orders } from "@bazaar/contracts";
import { Hono } from "hono";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { idempotencyKeyOf, requiredIdempotencyKey, requireIdempotencyKey } from "../http/idempotency.js";
import { jsonBody, paramsOf, requireJson } from "../http/input.js";
import { principalOf, requireUser } from "../middleware/require-role.js";
import {
  IDEMPOTENCY_KEY_HEADER,
  type OperationDoc,
  REQUIRED_IDEMPOTENCY_KEY_HEADER,
} from "../openapi/operation.js";
import { fetchOrderDetails, OrderDetails } from "../orders/order-details.js";

/** The client's order: the contract's request without `userId` (the token says who) and the key (a header). */
export const PlaceOrderBody = v.omit(orders.placeOrder.request, ["userId", "idempotencyKey"]);
export const OrderAccepted = v.pick(orders.placeOrder.response, ["orderId", "status"]);
export const CancelOrderBody = v.pick(orders.cancelOrder.request, ["reason"]);
const IdParams = v.object({ id: Id });

export const orderDocs: readonly OperationDoc[] = [
  {
    method: "post",
    path: "/api/orders",
    tag: "orders",
    access: "user",
    summary: "Place an order; it is pending until its saga ends (202)",
    description:
      "Prices come from the catalogue, never the client. The Idempotency-Key is required: a retry after a timeout or a lost connection sends the same key and gets the same order, never a second one.",
    body: PlaceOrderBody,
    headers: [REQUIRED_IDEMPOTENCY_KEY_HEADER],
    success: {
      status: 202,
      description: "Accepted; poll the Location",
      schema: OrderAccepted,
      headers: { Location: "The order: /api/orders/{id}" },
    },
    errors: ["NOT_FOUND", "UNPROCESSABLE", "CONFLICT"],
  },
  {
    method: "get",
    path: "/api/orders/:id",
    tag: "orders",
    access: "user",
    summary: "One order (its owner's, or any for an admin) with its payment, shipment and saga status",
    description:
      "The parts are fetched in parallel; when a part's service is down the answer is still 200, with that part null and named in `degraded`.",
    params: { id: Id },
    success: { status: 200, description: "The order and what is known about it", schema: OrderDetails },
    errors: ["NOT_FOUND"],
  },
  {
    method: "post",
    path: "/api/orders/:id/cancel",
    tag: "orders",
    access: "user",
    summary: "Cancel one of your orders until it ships; what was done is undone (202)",
    description:
      "Safe to repeat without a key: cancelling a cancelled order returns it unchanged, and each compensation runs once per order.",
    params: { id: Id },
    body: CancelOrderBody,
    bodyRequired: false,
    headers: [IDEMPOTENCY_KEY_HEADER],
    success: {
      status: 202,
      description: "The order; it turns cancelled once compensated",
      schema: orders.Order,
    },
    errors: ["NOT_FOUND", "CONFLICT"],
  },
];

/** `orderRoutes`: placing, reading (aggregated) and cancelling orders. */
export function orderRoutes(runtime: GatewayRuntime): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const partTimeoutMs = runtime.config.AGGREGATE_PART_TIMEOUT_MS;

  app.post(
    "/api/orders",
    requireUser,
    requireIdempotencyKey,
    requireJson(),
    jsonBody(PlaceOrderBody),
    async (c) => {
      const { userId } = principalOf(c);
      // The client's key is the order's natural key within its user (orders scopes it by `userId`).
      const idempotencyKey = requiredIdempotencyKey(c);
      const placed = await runtime.call(
        orders.placeOrder,
        { ...c.req.valid("json"), userId, idempotencyKey },
        downstream(c, orders.placeOrder, { idempotencyKey: idempotencyKeyOf(c) }),
      );
      c.header("Location", `/api/orders/${encodeURIComponent(placed.orderId)}`);
      return c.json({ orderId: placed.orderId, status: placed.status }, 202);
    },
  );

  app.get("/api/orders/:id", requireUser, paramsOf(IdParams), async (c) =>
    c.json(
      await fetchOrderDetails({
        runtime,
        c,
        orderId: c.req.valid("param").id,
        caller: principalOf(c),
        partTimeoutMs,
      }),
    ),
  );

  app.post(
    "/api/orders/:id/cancel",
    requireUser,
    paramsOf(IdParams),
    requireJson({ optional: true }),
    jsonBody(CancelOrderBody),
    async (c) => {
      // Owner only: the caller's id goes with the call, so someone else's order is NOT_FOUND.
      const input = {
        orderId: c.req.valid("param").id,
        userId: principalOf(c).userId,
        ...c.req.valid("json"),
      };
      const key = idempotencyKeyOf(c);
      return c.json(
        await runtime.call(
          orders.cancelOrder,
          input,
          downstream(c, orders.cancelOrder, { idempotencyKey: key }),
        ),
        202,
      );
    },
  );

  return app;
}
