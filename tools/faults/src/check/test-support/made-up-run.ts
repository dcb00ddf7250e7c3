import type { HistoryEntry } from "../../history/history-entry.js";
import type { OrderFact } from "../../invariants/service-invariant.js";
import type { FinalState } from "../final-state.js";

/** A small run that keeps every promise: the checker's tests break one thing at a time in a copy. */
export interface MadeUpRun {
  history: HistoryEntry[];
  final: FinalState;
}

const USER = "u-1";
const T0 = 1_000_000;

function order(orderId: string, status: OrderFact["status"], extra: Partial<OrderFact> = {}): OrderFact {
  return {
    orderId,
    userId: USER,
    status,
    cancelReason: null,
    totalCents: 1500,
    items: [{ sku: "PLENTY", quantity: 1 }],
    paymentStatus: "none",
    trackingNumber: null,
    ...extra,
  };
}

/**
 * `madeUpRun` is five orders, one of each kind, through a broker restart: the good one and the scarce one
 * confirmed after the heal, the declined, the unsupported-country and the client-cancelled ones cancelled
 * as they must be; stock, payments, views, streams and outboxes all agree.
 */
export function madeUpRun(): MadeUpRun {
  const intents: Array<[string, HistoryEntry & { type: "intent" }, string]> = [
    [
      "o-good",
      {
        t: T0 + 100,
        type: "intent",
        key: "k1",
        userId: USER,
        kind: "good",
        items: [{ sku: "PLENTY", quantity: 1 }],
        token: "tok_visa",
        country: "GB",
      },
      "confirmed",
    ],
    [
      "o-declined",
      {
        t: T0 + 200,
        type: "intent",
        key: "k2",
        userId: USER,
        kind: "declined",
        items: [{ sku: "PLENTY", quantity: 1 }],
        token: "tok_chargeDeclined",
        country: "GB",
      },
      "cancelled",
    ],
    [
      "o-aq",
      {
        t: T0 + 300,
        type: "intent",
        key: "k3",
        userId: USER,
        kind: "unsupported-country",
        items: [{ sku: "PLENTY", quantity: 1 }],
        token: "tok_visa",
        country: "AQ",
      },
      "cancelled",
    ],
    [
      "o-scarce",
      {
        t: T0 + 2_100,
        type: "intent",
        key: "k4",
        userId: USER,
        kind: "scarce",
        items: [{ sku: "SCARCE", quantity: 1 }],
        token: "tok_visa",
        country: "GB",
      },
      "confirmed",
    ],
    [
      "o-cancel",
      {
        t: T0 + 2_200,
        type: "intent",
        key: "k5",
        userId: USER,
        kind: "cancelled-by-client",
        items: [{ sku: "PLENTY", quantity: 1 }],
        token: "tok_visa",
        country: "GB",
      },
      "cancelled",
    ],
    [
      "o-good-2",
      {
        t: T0 + 2_300,
        type: "intent",
        key: "k6",
        userId: USER,
        kind: "good",
        items: [{ sku: "PLENTY", quantity: 1 }],
        token: "tok_visa",
        country: "GB",
      },
      "confirmed",
    ],
  ];
  const history: HistoryEntry[] = [
    { t: T0, type: "scenario", name: "made-up", params: {} },
    { t: T0 + 1, type: "user", userId: USER, email: "a@example.com" },
    { t: T0 + 2, type: "product", sku: "PLENTY", units: 100, key: "product-PLENTY" },
    { t: T0 + 3, type: "product", sku: "SCARCE", units: 1, key: "product-SCARCE" },
    { t: T0 + 50, type: "load", action: "start" },
    { t: T0 + 1_000, type: "fault", fault: "nats-kill", action: "start" },
    { t: T0 + 2_000, type: "fault", fault: "nats-kill", action: "heal" },
  ];
  intents.forEach(([orderId, intent, status], i) => {
    const at = intent.t;
    history.push(intent);
    history.push({
      t: at + 10,
      type: "attempt",
      op: "place",
      key: intent.key,
      n: 1,
      result: "timeout",
      ms: 5000,
    });
    history.push({ t: at + 20, type: "attempt", op: "place", key: intent.key, n: 2, result: 202, ms: 12 });
    history.push({ t: at + 21, type: "ack", key: intent.key, orderId });
    if (intent.kind === "cancelled-by-client")
      history.push({ t: at + 30, type: "cancel-answer", orderId, status: 202 });
    history.push({ t: at + 40, type: "observe", orderId, status: "pending", cancelReason: null });
    history.push({ t: at + 500 + i, type: "observe", orderId, status, cancelReason: null });
  });
  history.push({ t: T0 + 5_000, type: "load", action: "stop" });

  const orders: OrderFact[] = [
    order("o-good", "confirmed", { paymentStatus: "completed", trackingNumber: "TRK-1" }),
    order("o-declined", "cancelled", { cancelReason: "payment declined", paymentStatus: "failed" }),
    order("o-aq", "cancelled", {
      cancelReason: "shipping to this country is not supported",
      paymentStatus: "refunded",
    }),
    order("o-scarce", "confirmed", {
      items: [{ sku: "SCARCE", quantity: 1 }],
      totalCents: 2500,
      paymentStatus: "completed",
      trackingNumber: "TRK-2",
    }),
    order("o-cancel", "cancelled", { cancelReason: "changed my mind", paymentStatus: "refunded" }),
    order("o-good-2", "confirmed", { paymentStatus: "completed", trackingNumber: "TRK-3" }),
  ];
  const eventIds = ["e1", "e2", "e3", "e4"];
  const final: FinalState = {
    collectedAt: T0 + 10_000,
    orders,
    views: orders.map((o) => ({
      orderId: o.orderId,
      userId: o.userId,
      status: o.status,
      paymentStatus: o.paymentStatus,
      trackingNumber: o.trackingNumber,
      cancelReason: o.cancelReason,
      totalCents: o.totalCents,
    })),
    products: [
      { sku: "PLENTY", onHand: 98, reserved: 0 },
      { sku: "SCARCE", onHand: 0, reserved: 0 },
    ],
    streams: [
      {
        name: "ORDERS",
        messages: eventIds.map((id, i) => ({ seq: i + 1, subject: "evt.order.placed.v1", eventId: id })),
      },
      { name: "DEAD_LETTERS", messages: [] },
    ],
    consumers: [
      {
        stream: "ORDERS",
        name: "order-views__order-placed-v1",
        filterSubject: "evt.order.placed.v1",
        pending: 0,
        ackPending: 0,
      },
    ],
    deadLetters: [],
    alertedOrders: [],
    stores: [
      {
        service: "orders",
        file: "/data/orders/orders.db",
        integrity: ["ok"],
        outboxUnpublished: 0,
        outboxParked: 0,
        publishedEvents: eventIds.map((eventId) => ({ eventId, subject: "evt.order.placed.v1" })),
      },
    ],
    serviceFindings: [],
    gaps: [],
  };
  return { history, final };
}
