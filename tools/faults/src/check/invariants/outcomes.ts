import type { OrderKind } from "../../history/history-entry.js";
import type { OrderFact } from "../../invariants/service-invariant.js";
import type { SystemInvariant } from "../check-context.js";
import type { IntentRecord } from "../order-records.js";
import { type Violation, violation } from "../violation.js";

/** The customer-facing reasons orders gives (services/orders `customerReason`). */
export const CANCEL_REASONS = {
  declined: "payment declined",
  unsupportedCountry: "shipping to this country is not supported",
  outOfStock: "out of stock",
} as const;

/** The reason the client gives when it cancels (orders passes it through). */
export const CLIENT_CANCEL_REASON = "changed my mind";

type Outcome = Pick<OrderFact, "status" | "cancelReason">;

/** What an order of each kind may end as, whatever the faults; undefined when the outcome is allowed. */
function wrongOutcome(kind: OrderKind, order: Outcome, intent: IntentRecord): string | undefined {
  const cancelledFor = (reason: string) => order.status === "cancelled" && order.cancelReason === reason;
  switch (kind) {
    case "good":
      return order.status === "confirmed" ? undefined : "a good order must be confirmed";
    case "declined":
      return cancelledFor(CANCEL_REASONS.declined)
        ? undefined
        : `must be cancelled "${CANCEL_REASONS.declined}"`;
    case "unsupported-country":
      return cancelledFor(CANCEL_REASONS.unsupportedCountry)
        ? undefined
        : `must be cancelled "${CANCEL_REASONS.unsupportedCountry}"`;
    case "scarce":
      return order.status === "confirmed" || cancelledFor(CANCEL_REASONS.outOfStock)
        ? undefined
        : `must be confirmed or cancelled "${CANCEL_REASONS.outOfStock}"`;
    case "cancelled-by-client": {
      if (cancelledFor(CLIENT_CANCEL_REASON)) return undefined;
      // Too late to cancel (409: it shipped) is the one way it may end confirmed.
      if (order.status === "confirmed" && intent.cancelAnswers.includes(409)) return undefined;
      if (order.status === "confirmed" && intent.cancelAnswers.length === 0) return undefined;
      return `must be cancelled "${CLIENT_CANCEL_REASON}", or confirmed when the cancel came too late`;
    }
  }
}

/**
 * Each order ends as its kind says it must: faults may delay an order, never change how it ends. A good
 * order cancelled or parked is the failure the suite exists to find. A parked order of another kind is
 * allowed only with an alert (an operator was told).
 */
export const outcomesAsIntended: SystemInvariant = {
  name: "outcome-as-intended",
  description:
    "a good order is confirmed; a declined card, an unsupported country, a scarce product and a client's cancel end as they must; a fault changes none",
  check({ records, orders, final }) {
    const out: Violation[] = [];
    const alerted = new Set(final.alertedOrders);
    for (const intent of records.intents) {
      for (const orderId of intent.orderIds) {
        const order = orders.get(orderId);
        if (!order || order.status === "pending") continue;
        if (order.status === "requires_attention" && intent.kind !== "good") {
          if (!alerted.has(orderId))
            out.push(
              violation(this.name, orderId, `order ${orderId} (${intent.kind}) is parked without an alert`),
            );
          continue;
        }
        const wrong = wrongOutcome(intent.kind, order, intent);
        if (wrong) {
          out.push(
            violation(
              this.name,
              orderId,
              `order ${orderId} (${intent.kind}) ended ${order.status}${order.cancelReason ? ` "${order.cancelReason}"` : ""}: ${wrong}`,
            ),
          );
        }
      }
    }
    return out;
  },
};

/** A cancelled order keeps no money: charged, it was refunded; parked, an operator was told. */
export const cancelledChargesRefunded: SystemInvariant = {
  name: "cancelled-charges-refunded",
  description:
    "a cancelled order that was charged shows its payment refunded; a parked one still charged is named by an alert",
  check({ final }) {
    const out: Violation[] = [];
    const alerted = new Set(final.alertedOrders);
    for (const order of final.orders) {
      if (order.paymentStatus !== "completed") continue;
      if (order.status === "cancelled")
        out.push(
          violation(this.name, order.orderId, `cancelled order ${order.orderId} is charged and not refunded`),
        );
      if (order.status === "requires_attention" && !alerted.has(order.orderId))
        out.push(
          violation(
            this.name,
            order.orderId,
            `parked order ${order.orderId} is charged and no alert names it`,
          ),
        );
    }
    return out;
  },
};
