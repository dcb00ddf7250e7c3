import { orders } from "@bazaar/contracts";
import { ConflictError } from "@bazaar/service-kit";
import { ordersService } from "../declaration.js";
import { findOrder } from "../order-records.js";

/**
 * `cancelOrder` lets the owner cancel until the order ships: it asks the saga to stop and compensate what
 * it did, and returns the order (still `pending`; it becomes `cancelled` when the compensations are done).
 * Cancelling a cancelled order returns it unchanged.
 */
export const cancelOrder = ordersService.handle(orders.cancelOrder, (input, ctx) => {
  const engine = ctx.deps.sagas;
  const shipped = () =>
    new ConflictError(`order ${input.orderId} has shipped and can no longer be cancelled`, {
      reason: "ALREADY_SHIPPED",
    });
  const order = ctx.transaction((tx) => {
    const current = findOrder(tx, input.orderId, input.userId);
    if (current.status === "cancelled") return current;
    if (current.status === "confirmed") throw shipped();
    if (current.status === "requires_attention") {
      throw new ConflictError(`order ${input.orderId} is being handled by an operator`, {
        reason: "REQUIRES_ATTENTION",
      });
    }
    if (!engine.requestCancel(current.sagaId, input.reason ?? "cancelled by the customer")) throw shipped();
    return current;
  });
  if (order.status === "pending") void engine.run(order.sagaId);
  return order;
});
