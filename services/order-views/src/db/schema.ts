import type { orderViews } from "@bazaar/contracts";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

type SkippedEvent = orderViews.SkippedEvent;

/**
 * One row per order, denormalized for reads. Each group of fields is owned by one publisher (status:
 * orders, payment: payments, shipment: shipping) and remembers the position of the event that last set it:
 * the publisher's per-order sequence (`*_seq`), or for events recorded before publishers numbered them,
 * their time (`*_at`). So events applied in any order, or twice, leave the same row.
 */
function viewTable<const N extends string>(name: N) {
  return sqliteTable(
    name,
    {
      orderId: text("order_id").primaryKey(),
      userId: text("user_id"),
      createdAt: text("created_at"),
      totalCents: integer("total_cents"),
      currency: text("currency"),
      itemCount: integer("item_count"),
      status: text("status", { enum: ["pending", "confirmed", "cancelled", "requires_attention"] })
        .notNull()
        .default("pending"),
      statusAt: text("status_at"),
      statusSeq: integer("status_seq"),
      cancelReason: text("cancel_reason"),
      paymentStatus: text("payment_status", { enum: ["none", "completed", "failed", "refunded"] })
        .notNull()
        .default("none"),
      paymentAt: text("payment_at"),
      paymentSeq: integer("payment_seq"),
      trackingNumber: text("tracking_number"),
      shipmentAt: text("shipment_at"),
      shipmentSeq: integer("shipment_seq"),
      lastUpdated: text("last_updated").notNull(),
    },
    (t) => [index(`${name}_user`).on(t.userId, t.createdAt)],
  );
}

/** The read model the service answers from. */
export const orderViewRows = viewTable("order_views");
/** Where a rebuild replays the streams before it switches over. */
export const orderViewsNext = viewTable("order_views_next");

export type ViewTable = typeof orderViewRows | typeof orderViewsNext;

/** The state of the last rebuild (one row). */
export const rebuildState = sqliteTable("rebuild_state", {
  id: integer("id").primaryKey(),
  rebuildId: text("rebuild_id"),
  state: text("state", { enum: ["idle", "running", "completed", "failed"] }).notNull(),
  processed: integer("processed").notNull(),
  total: integer("total").notNull(),
  skipped: integer("skipped").notNull().default(0),
  skippedEvents: text("skipped_events", { mode: "json" }).$type<SkippedEvent[]>().notNull().default([]),
  mode: text("mode", { enum: ["replace", "merge"] }),
  startedAt: text("started_at"),
  finishedAt: text("finished_at"),
  error: text("error"),
});

export const schema = { orderViewRows, orderViewsNext, rebuildState };
