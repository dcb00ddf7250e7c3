import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The catalogue and stock. `reserved` can never exceed `on_hand` or go below zero (enforced by SQLite too). */
export const products = sqliteTable(
  "products",
  {
    sku: text("sku").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    priceCents: integer("price_cents").notNull(),
    currency: text("currency").notNull(),
    onHand: integer("on_hand").notNull(),
    reserved: integer("reserved").notNull().default(0),
    lowStockThreshold: integer("low_stock_threshold").notNull().default(5),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    check("products_stock_bounds", sql`${t.reserved} >= 0 AND ${t.reserved} <= ${t.onHand}`),
    check("products_price", sql`${t.priceCents} >= 0`),
  ],
);

/** One reservation per order: its outcome is kept, so a repeated reserve returns the first result. */
export const reservations = sqliteTable(
  "reservations",
  {
    orderId: text("order_id").primaryKey(),
    status: text("status", { enum: ["reserved", "released", "committed", "rejected"] }).notNull(),
    /** For a rejected reservation: the error code, reason and details it was rejected with (JSON). */
    rejection: text("rejection"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("reservations_status").on(t.status)],
);

export const reservationItems = sqliteTable(
  "reservation_items",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => reservations.orderId, { onDelete: "cascade" }),
    sku: text("sku")
      .notNull()
      .references(() => products.sku),
    quantity: integer("quantity").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orderId, t.sku] })],
);

export const schema = { products, reservations, reservationItems };
