import type { SystemInvariant } from "../check-context.js";
import { type Violation, violation } from "../violation.js";

/** The read model converged: one view per order, equal to the write side field by field. */
export const readModelEqualsWriteSide: SystemInvariant = {
  name: "read-model-equals-write-side",
  description:
    "for every order, the read model's view (GET /api/my-orders) has the write side's status, cancel reason, total, payment status and tracking number, and it has no view of an order that does not exist",
  check({ final, records }) {
    const out: Violation[] = [];
    const users = new Set(records.userIds);
    const views = new Map(final.views.map((v) => [v.orderId, v]));
    const orders = new Set<string>();
    for (const order of final.orders) {
      if (!users.has(order.userId)) continue;
      orders.add(order.orderId);
      const view = views.get(order.orderId);
      if (!view) {
        out.push(
          violation(this.name, order.orderId, `order ${order.orderId} has no view`, "readModelMismatches"),
        );
        continue;
      }
      const fields: Array<[string, unknown, unknown]> = [
        ["userId", view.userId, order.userId],
        ["status", view.status, order.status],
        ["cancelReason", view.cancelReason, order.cancelReason],
        ["totalCents", view.totalCents, order.totalCents],
        ["paymentStatus", view.paymentStatus, order.paymentStatus],
        ["trackingNumber", view.trackingNumber, order.trackingNumber],
      ];
      const differ = fields.filter(([, seen, truth]) => seen !== truth);
      if (differ.length > 0) {
        out.push(
          violation(
            this.name,
            order.orderId,
            `order ${order.orderId}: ${differ.map(([f, seen, truth]) => `${f} ${JSON.stringify(seen)} in the view, ${JSON.stringify(truth)} in orders`).join("; ")}`,
            "readModelMismatches",
          ),
        );
      }
    }
    for (const view of final.views) {
      if (!orders.has(view.orderId))
        out.push(
          violation(this.name, view.orderId, `view of ${view.orderId} has no order`, "readModelMismatches"),
        );
    }
    return out;
  },
};
