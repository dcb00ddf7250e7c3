import { Id, orders, payments, shipping } from "@bazaar/contracts";
import { AppError } from "@bazaar/service-kit/platform";
import type { Context } from "hono";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import type { GatewayEnv, Principal } from "../http/gateway-env.js";

/** The parts of an order's details that come from other services and may be missing in an outage. */
export const DegradedPart = v.picklist(["payment", "shipment", "saga"]);
type DegradedPart = v.InferOutput<typeof DegradedPart>;

/** What a customer sees of the saga: where the order is in its lifecycle, not the operator's timeline. */
export const SagaProgress = v.object({
  sagaId: Id,
  status: orders.SagaStatus,
  steps: v.array(v.pick(orders.SagaStep, ["name", "status"])),
});

/** `GET /api/orders/:id`: the order with its payment, shipment and saga status, and what could not be fetched. */
export const OrderDetails = v.object({
  ...orders.Order.entries,
  payment: v.nullable(payments.Payment),
  shipment: v.nullable(shipping.Shipment),
  saga: v.nullable(SagaProgress),
  degraded: v.array(DegradedPart),
});
export type OrderDetails = v.InferOutput<typeof OrderDetails>;

export interface OrderDetailsOptions {
  readonly runtime: GatewayRuntime;
  readonly c: Context<GatewayEnv>;
  readonly orderId: string;
  readonly caller: Principal;
  /** Budget of each secondary part: a slow part is left out before the whole request times out. */
  readonly partTimeoutMs: number;
}

/**
 * `fetchOrderDetails` asks orders, payments, shipping and the saga in parallel. The order decides the
 * answer: without it (not found, not the caller's, or orders down) its error is the response, and the
 * other parts are never shown. A part that is NOT_FOUND does not exist yet (null); a part whose service
 * failed or did not answer in time is null and named in `degraded`.
 */
export async function fetchOrderDetails(options: OrderDetailsOptions): Promise<OrderDetails> {
  const { runtime, c, orderId, caller, partTimeoutMs } = options;
  const part = { capMs: partTimeoutMs };
  // Object-level authorization: a customer only finds their own orders (others: NOT_FOUND, not 403).
  const orderInput = caller.role === "admin" ? { orderId } : { orderId, userId: caller.userId };
  const [order, payment, shipment, saga] = await Promise.allSettled([
    runtime.call(orders.getOrder, orderInput, downstream(c, orders.getOrder)),
    runtime.call(payments.getPayment, { orderId }, downstream(c, payments.getPayment, part)),
    runtime.call(shipping.getShipment, { orderId }, downstream(c, shipping.getShipment, part)),
    runtime.call(orders.getSaga, { orderId }, downstream(c, orders.getSaga, part)),
  ]);
  if (order.status === "rejected") throw order.reason;

  const degraded: DegradedPart[] = [];
  const settle = <T>(name: DegradedPart, result: PromiseSettledResult<T>): T | null => {
    if (result.status === "fulfilled") return result.value;
    const err: unknown = result.reason;
    if (err instanceof AppError && err.code === "NOT_FOUND") return null;
    degraded.push(name);
    runtime.log.warn({ err, orderId, part: name }, "order details: a part is unavailable");
    return null;
  };
  const sagaView = settle("saga", saga);
  return {
    ...order.value,
    payment: settle("payment", payment),
    shipment: settle("shipment", shipment),
    saga: sagaView && {
      sagaId: sagaView.sagaId,
      status: sagaView.status,
      steps: sagaView.steps.map((s) => ({ name: s.name, status: s.status })),
    },
    degraded,
  };
}
