import type { EventData, EventEnvelope, orders, shipping } from "@bazaar/contracts";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { ViewTable } from "./db/schema.js";
import type { ViewsDb } from "./declaration.js";
import { comesAfter, type Position, positionOf } from "./ordering.js";

type Status = "pending" | "confirmed" | "cancelled" | "requires_attention";
type PaymentStatus = "completed" | "failed" | "refunded";
type Placed = EventData<typeof orders.orderPlaced>;
type Cancelled = EventData<typeof orders.orderCancelled>;
type ShipmentCreated = EventData<typeof shipping.shipmentCreated>;
/** What every source event's data has (each is validated against its contract before it gets here). */
type AboutAnOrder = { readonly orderId: string; readonly userId?: string };

/** Ensures the row exists and moves its `last_updated` forward (never back). */
function touch(db: ViewsDb, t: ViewTable, orderId: string, at: string): void {
  db.insert(t)
    .values({ orderId, lastUpdated: at })
    .onConflictDoUpdate({ target: t.orderId, set: { lastUpdated: sql`max(${t.lastUpdated}, ${at})` } })
    .run();
}

/**
 * Sets the status unless a later event of orders already set it. Between two unsequenced events with the
 * same time, the later-applied one only overrides `pending` (as before sequences existed).
 */
function setStatus(
  db: ViewsDb,
  t: ViewTable,
  orderId: string,
  status: Status,
  pos: Position,
  cancelReason: string | null = null,
): void {
  const sameTimeOverPending =
    pos.seq === null
      ? sql` OR (${t.statusSeq} IS NULL AND ${t.statusAt} = ${pos.at} AND ${t.status} = 'pending')`
      : sql``;
  db.update(t)
    .set({ status, statusAt: pos.at, statusSeq: pos.seq, cancelReason })
    .where(
      and(
        eq(t.orderId, orderId),
        sql`(${comesAfter(pos, { seq: t.statusSeq, at: t.statusAt })}${sameTimeOverPending})`,
      ),
    )
    .run();
}

function setPayment(
  db: ViewsDb,
  t: ViewTable,
  orderId: string,
  paymentStatus: PaymentStatus,
  pos: Position,
): void {
  db.update(t)
    .set({ paymentStatus, paymentAt: pos.at, paymentSeq: pos.seq })
    .where(and(eq(t.orderId, orderId), comesAfter(pos, { seq: t.paymentSeq, at: t.paymentAt })))
    .run();
}

function setShipment(
  db: ViewsDb,
  t: ViewTable,
  orderId: string,
  trackingNumber: string | null,
  pos: Position,
): void {
  db.update(t)
    .set({ trackingNumber, shipmentAt: pos.at, shipmentSeq: pos.seq })
    .where(and(eq(t.orderId, orderId), comesAfter(pos, { seq: t.shipmentSeq, at: t.shipmentAt })))
    .run();
}

/** Any event that names the order's user fills it in: the row belongs to its owner from its first event. */
function setUser(db: ViewsDb, t: ViewTable, orderId: string, userId: string): void {
  db.update(t)
    .set({ userId })
    .where(and(eq(t.orderId, orderId), isNull(t.userId)))
    .run();
}

/** `order.placed` is the order's first status: it only fills a status group nothing has set yet. */
function applyPlaced(db: ViewsDb, t: ViewTable, data: Placed, pos: Position): void {
  db.update(t)
    .set({
      userId: data.userId,
      createdAt: data.placedAt,
      totalCents: data.totalCents,
      currency: data.currency,
      itemCount: data.items.reduce((n, i) => n + i.quantity, 0),
    })
    .where(eq(t.orderId, data.orderId))
    .run();
  db.update(t)
    .set({ statusAt: pos.at, statusSeq: pos.seq })
    .where(and(eq(t.orderId, data.orderId), isNull(t.statusAt), isNull(t.statusSeq)))
    .run();
}

/**
 * `project` applies one event to a view table. Each group of fields is owned by one publisher and every
 * change to it is guarded by the position of the event that made it (`comesAfter`), so the result does not
 * depend on delivery order, duplicates or clocks: `payment.completed` may arrive before `order.placed`, and
 * a replay may repeat what consumers already applied.
 */
export function project(db: ViewsDb, t: ViewTable, event: EventEnvelope): void {
  const data = event.data as AboutAnOrder;
  const pos = positionOf(event, data.orderId);
  touch(db, t, data.orderId, event.occurredAt);
  if (data.userId !== undefined) setUser(db, t, data.orderId, data.userId);
  switch (event.type) {
    case "order.placed":
      applyPlaced(db, t, event.data as Placed, pos);
      return;
    case "order.confirmed":
      setStatus(db, t, data.orderId, "confirmed", pos);
      return;
    case "order.cancelled":
      setStatus(db, t, data.orderId, "cancelled", pos, (event.data as Cancelled).reason);
      return;
    case "order.requires_attention":
      setStatus(db, t, data.orderId, "requires_attention", pos);
      return;
    case "payment.completed":
      setPayment(db, t, data.orderId, "completed", pos);
      return;
    case "payment.failed":
      setPayment(db, t, data.orderId, "failed", pos);
      return;
    case "payment.refunded":
      setPayment(db, t, data.orderId, "refunded", pos);
      return;
    case "shipment.created":
      setShipment(db, t, data.orderId, (event.data as ShipmentCreated).trackingNumber, pos);
      return;
    case "shipment.cancelled":
      setShipment(db, t, data.orderId, null, pos);
      return;
    default:
      return;
  }
}
