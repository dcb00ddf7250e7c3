import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Orders and their status. The saga that drives an order lives in the saga engine's tables, in this file. */
export const orderRecords = sqliteTable(
  "orders",
  {
    orderId: text("order_id").primaryKey(),
    userId: text("user_id").notNull(),
    status: text("status", { enum: ["pending", "confirmed", "cancelled", "requires_attention"] }).notNull(),
    totalCents: integer("total_cents").notNull(),
    currency: text("currency").notNull(),
    /** The shipping address, as JSON. */
    shippingAddress: text("shipping_address").notNull(),
    sagaId: text("saga_id").notNull(),
    /** The caller's idempotency key: the same key from the same user returns the same order. */
    idempotencyKey: text("idempotency_key").notNull(),
    cancelReason: text("cancel_reason"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("orders_user_idempotency").on(t.userId, t.idempotencyKey),
    index("orders_user").on(t.userId, t.createdAt),
  ],
);

export const orderItems = sqliteTable(
  "order_items",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orderRecords.orderId, { onDelete: "cascade" }),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    quantity: integer("quantity").notNull(),
    unitPriceCents: integer("unit_price_cents").notNull(),
    lineTotalCents: integer("line_total_cents").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.sku] })],
);

export const schema = { orderRecords, orderItems };
