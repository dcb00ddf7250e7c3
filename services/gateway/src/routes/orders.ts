import { Id, orders } from "@bazaar/contracts";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { idempotencyKeyOf, requiredIdempotencyKey } from "../http/idempotency.js";
import { principalOf } from "../middleware/require-role.js";
import { fetchOrderDetails, OrderDetails } from "../orders/order-details.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

/** The client's order: the contract's request without `userId` (the token says who) and the key (a header). */
export const PlaceOrderBody = v.omit(orders.placeOrder.request, ["userId", "idempotencyKey"]);
export const OrderAccepted = v.pick(orders.placeOrder.response, ["orderId", "status"]);
export const CancelOrderBody = v.pick(orders.cancelOrder.request, ["reason"]);
const IdParams = v.object({ id: Id });

/** `orderRoutes`: placing, reading (aggregated) and cancelling orders, under `/api/orders`. */
export function orderRoutes(runtime: GatewayRuntime): RouteGroup {
  const partTimeoutMs = runtime.config.AGGREGATE_PART_TIMEOUT_MS;

  const place = defineRoute({
    method: "post",
    path: "/",
    access: "user",
    summary: "Place an order; it is pending until its saga ends (202)",
    description:
      "Prices come from the catalogue, never the client. The Idempotency-Key is required: a retry after a timeout or a lost connection sends the same key and gets the same order, never a second one.",
    body: PlaceOrderBody,
    idempotencyKey: "required",
    success: {
      status: 202,
      description: "Accepted; poll the Location",
      schema: OrderAccepted,
      headers: { Location: "The order: /api/orders/{id}" },
    },
    errors: ["NOT_FOUND", "UNPROCESSABLE", "CONFLICT"],
    handler: async (c, { body }) => {
      const { userId } = principalOf(c);
      // The client's key is the order's natural key within its user (orders scopes it by `userId`).
      const idempotencyKey = requiredIdempotencyKey(c);
      const placed = await runtime.call(
        orders.placeOrder,
        { ...body, userId, idempotencyKey },
        downstream(c, orders.placeOrder, { idempotencyKey: idempotencyKeyOf(c) }),
      );
      c.header("Location", `/api/orders/${encodeURIComponent(placed.orderId)}`);
      return c.json({ orderId: placed.orderId, status: placed.status }, 202);
    },
  });

  const one = defineRoute({
    method: "get",
    path: "/:id",
    access: "user",
    summary: "One order (its owner's, or any for an admin) with its payment, shipment and saga status",
    description:
      "The parts are fetched in parallel; when a part's service is down the answer is still 200, with that part null and named in `degraded`.",
    params: IdParams,
    success: { status: 200, description: "The order and what is known about it", schema: OrderDetails },
    errors: ["NOT_FOUND"],
    handler: async (c, { params }) =>
      c.json(
        await fetchOrderDetails({ runtime, c, orderId: params.id, caller: principalOf(c), partTimeoutMs }),
      ),
  });

  const cancel = defineRoute({
    method: "post",
    path: "/:id/cancel",
    access: "user",
    summary: "Cancel one of your orders until it ships; what was done is undone (202)",
    description:
      "Safe to repeat without a key: cancelling a cancelled order returns it unchanged, and each compensation runs once per order.",
    params: IdParams,
    body: CancelOrderBody,
    bodyRequired: false,
    idempotencyKey: "optional",
    success: {
      status: 202,
      description: "The order; it turns cancelled once compensated",
      schema: orders.Order,
    },
    errors: ["NOT_FOUND", "CONFLICT"],
    handler: async (c, { params, body }) => {
      // Owner only: the caller's id goes with the call, so someone else's order is NOT_FOUND.
      const input = { orderId: params.id, userId: principalOf(c).userId, ...body };
      const options = downstream(c, orders.cancelOrder, { idempotencyKey: idempotencyKeyOf(c) });
      return c.json(await runtime.call(orders.cancelOrder, input, options), 202);
    },
  });

  return { prefix: "/api/orders", tag: "orders", routes: [place, one, cancel] };
}
