import type { LineItem } from "@bazaar/contracts";
import { index, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** One shipment per order, with the address and items it carries; tracking numbers are unique. */
export const shipments = sqliteTable(
  "shipments",
  {
    orderId: text("order_id").primaryKey(),
    shipmentId: text("shipment_id").notNull().unique(),
    trackingNumber: text("tracking_number").notNull().unique(),
    carrier: text("carrier").notNull(),
    status: text("status", { enum: ["created", "cancelled"] }).notNull(),
    recipient: text("recipient").notNull(),
    line1: text("line1").notNull(),
    line2: text("line2"),
    city: text("city").notNull(),
    postalCode: text("postal_code").notNull(),
    country: text("country").notNull(),
    items: text("items", { mode: "json" }).$type<LineItem[]>().notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("shipments_status").on(t.status)],
);

/**
 * Orders whose shipment was refused (an unsupported country), kept so a repeat gets the same answer even
 * if the configuration changes later. A table of their own keeps every column of `shipments` required.
 */
export const shipmentRejections = sqliteTable("shipment_rejections", {
  orderId: text("order_id").primaryKey(),
  /** The error code, reason, message and details the shipment was refused with (JSON). */
  rejection: text("rejection").notNull(),
  createdAt: text("created_at").notNull(),
});

export const schema = { shipments, shipmentRejections };
