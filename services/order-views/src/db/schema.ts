import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per order, denormalized for reads. Each group of fields remembers the time of the event that
 * last set it (`*_at`), so events applied in any order, or twice, leave the same row.
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
      cancelReason: text("cancel_reason"),
      paymentStatus: text("payment_status", { enum: ["none", "completed", "failed", "refunded"] })
        .notNull()
        .default("none"),
      paymentAt: text("payment_at"),
      trackingNumber: text("tracking_number"),
      shipmentAt: text("shipment_at"),
      lastUpdated: text("last_updated").notNull(),
    },
    (t) => [index(`${name}_user`).on(t.userId, t.createdAt)],
  );
}

/** The read model the service answers from. */
export const orderViews = viewTable("order_views");
/** Where a rebuild replays the streams before it switches over. */
export const orderViewsNext = viewTable("order_views_next");

export type ViewTable = typeof orderViews | typeof orderViewsNext;

/** The state of the last rebuild (one row). */
export const rebuildState = sqliteTable("rebuild_state", {
  id: integer("id").primaryKey(),
  rebuildId: text("rebuild_id"),
  state: text("state", { enum: ["idle", "running", "completed", "failed"] }).notNull(),
  processed: integer("processed").notNull(),
  total: integer("total").notNull(),
  startedAt: text("started_at"),
  finishedAt: text("finished_at"),
  error: text("error"),
});

export const schema = { orderViews, orderViewsNext, rebuildState };
