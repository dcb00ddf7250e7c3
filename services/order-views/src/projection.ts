import type { EventEnvelope } from "@bazaar/contracts";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { ViewTable } from "./db/schema.js";
import type { ViewsDb } from "./declaration.js";

type Status = "pending" | "confirmed" | "cancelled" | "requires_attention";
type PaymentStatus = "completed" | "failed" | "refunded";

/** Ensures the row exists and moves its `last_updated` forward (never back). */
function touch(db: ViewsDb, t: ViewTable, orderId: string, at: string): void {
  db.insert(t)
    .values({ orderId, lastUpdated: at })
    .onConflictDoUpdate({ target: t.orderId, set: { lastUpdated: sql`max(${t.lastUpdated}, ${at})` } })
    .run();
}

/** Sets the status unless a later event already set it; a tie only overrides `pending`. */
function setStatus(
  db: ViewsDb,
  t: ViewTable,
  orderId: string,
  status: Status,
  at: string,
  cancelReason: string | null = null,
): void {
  db.update(t)
    .set({ status, statusAt: at, cancelReason })
    .where(
      and(
        eq(t.orderId, orderId),
        or(isNull(t.statusAt), lt(t.statusAt, at), and(eq(t.statusAt, at), eq(t.status, "pending"))),
      ),
    )
    .run();
}

function setPayment(
  db: ViewsDb,
  t: ViewTable,
  orderId: string,
  paymentStatus: PaymentStatus,
  at: string,
): void {
  db.update(t)
    .set({ paymentStatus, paymentAt: at })
    .where(and(eq(t.orderId, orderId), or(isNull(t.paymentAt), lt(t.paymentAt, at))))
    .run();
}

function setShipment(
  db: ViewsDb,
  t: ViewTable,
  orderId: string,
  trackingNumber: string | null,
  at: string,
): void {
  db.update(t)
    .set({ trackingNumber, shipmentAt: at })
    .where(and(eq(t.orderId, orderId), or(isNull(t.shipmentAt), lt(t.shipmentAt, at))))
    .run();
}

function setUser(db: ViewsDb, t: ViewTable, orderId: string, userId: string): void {
  db.update(t)
    .set({ userId })
    .where(and(eq(t.orderId, orderId), isNull(t.userId)))
    .run();
}

/**
 * `project` applies one event to a view table. Every change is guarded by the time of the event that made
 * it, so the result does not depend on delivery order or on duplicates: `payment.completed` may arrive
 * before `order.placed`, and a replay may repeat what consumers already applied.
 */
export function project(db: ViewsDb, t: ViewTable, event: EventEnvelope): void {
  const data = event.data as Record<string, unknown> & { orderId: string };
  const at = event.occurredAt;
  touch(db, t, data.orderId, at);
  switch (event.type) {
    case "order.placed": {
      const items = data.items as Array<{ quantity: number }>;
      db.update(t)
        .set({
          userId: data.userId as string,
          createdAt: data.placedAt as string,
          totalCents: data.totalCents as number,
          currency: data.currency as string,
          itemCount: items.reduce((n, i) => n + i.quantity, 0),
        })
        .where(eq(t.orderId, data.orderId))
        .run();
      db.update(t)
        .set({ statusAt: at })
        .where(and(eq(t.orderId, data.orderId), isNull(t.statusAt)))
        .run();
      return;
    }
    case "order.confirmed":
      setStatus(db, t, data.orderId, "confirmed", at);
      return;
    case "order.cancelled":
      setStatus(db, t, data.orderId, "cancelled", at, data.reason as string);
      return;
    case "order.requires_attention":
      setStatus(db, t, data.orderId, "requires_attention", at);
      return;
    case "payment.completed":
      setUser(db, t, data.orderId, data.userId as string);
      setPayment(db, t, data.orderId, "completed", at);
      return;
    case "payment.failed":
      setUser(db, t, data.orderId, data.userId as string);
      setPayment(db, t, data.orderId, "failed", at);
      return;
    case "payment.refunded":
      setPayment(db, t, data.orderId, "refunded", at);
      return;
    case "shipment.created":
      setShipment(db, t, data.orderId, data.trackingNumber as string, at);
      return;
    case "shipment.cancelled":
      setShipment(db, t, data.orderId, null, at);
      return;
    default:
      return;
  }
}
