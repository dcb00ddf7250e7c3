import { defineStream } from "./define.js";

/**
 * Each stream keeps one publisher's facts; its owner creates and updates it. A full stream (1 GiB by
 * default) refuses new events, which then wait in their publisher's outbox; only age (30 days by default)
 * removes messages.
 */
export const USERS_STREAM = defineStream({
  name: "USERS",
  owner: "users",
  subjects: ["evt.user.>"],
  description: "Facts about user accounts, published by users (user.registered).",
});

export const INVENTORY_STREAM = defineStream({
  name: "INVENTORY",
  owner: "inventory",
  subjects: ["evt.stock.>"],
  description:
    "Stock facts published by inventory (stock.reserved, stock.released, stock.committed, stock.low).",
});

export const PAYMENTS_STREAM = defineStream({
  name: "PAYMENTS",
  owner: "payments",
  subjects: ["evt.payment.>"],
  description: "Payment facts published by payments (payment.completed, payment.failed, payment.refunded).",
});

export const SHIPPING_STREAM = defineStream({
  name: "SHIPPING",
  owner: "shipping",
  subjects: ["evt.shipment.>"],
  description: "Shipment facts published by shipping (shipment.created, shipment.cancelled).",
});

export const ORDERS_STREAM = defineStream({
  name: "ORDERS",
  owner: "orders",
  subjects: ["evt.order.>"],
  description:
    "Order lifecycle facts published by orders (order.placed, order.confirmed, order.cancelled, order.requires_attention).",
});

export const OPS_STREAM = defineStream({
  name: "OPS",
  owner: "orders",
  subjects: ["evt.ops.>"],
  description: "Operator alerts (ops.alert): something needs a human, with everything needed to act.",
  maxAgeMs: 90 * 24 * 60 * 60 * 1000,
});

/**
 * Messages a consumer could not process after its retries, or could not parse at all. Every consuming
 * service ensures it; entries carry headers naming the original stream, subject, sequence, consumer,
 * delivery count and last error, and can be replayed.
 *
 * A dead letter is often the only copy of its event left (its own stream ages it out after 30 days), so it
 * has no age limit (`maxAgeMs: 0`): it stays until an operator replays or discards it. Its size limit
 * refuses new dead letters rather than dropping old ones (the kit's streams discard new); a refused one
 * stays unacknowledged in its own stream and the consumer tries again later, so none is dropped.
 */
export const DEAD_LETTER_STREAM = defineStream({
  name: "DEAD_LETTERS",
  owner: "*",
  subjects: ["dlq.>"],
  description: "Dead letters: events a consumer gave up on, with their origin and last error; replayable.",
  maxAgeMs: 0,
  duplicateWindowMs: 2 * 60 * 1000,
});

/** Every stream of the system. */
export const STREAMS = [
  USERS_STREAM,
  INVENTORY_STREAM,
  PAYMENTS_STREAM,
  SHIPPING_STREAM,
  ORDERS_STREAM,
  OPS_STREAM,
  DEAD_LETTER_STREAM,
] as const;
