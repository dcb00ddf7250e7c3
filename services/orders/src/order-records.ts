import type { orders } from "@bazaar/contracts";
import { NotFoundError } from "@bazaar/service-kit";
import { and, eq } from "drizzle-orm";
import type * as v from "valibot";
import { orderItems, orderRecords } from "./db/schema.js";
import type { OrdersDb } from "./declaration.js";

export type Order = v.InferOutput<typeof orders.Order>;
export type OrderStatus = Order["status"];
type Row = typeof orderRecords.$inferSelect;

function toOrder(db: OrdersDb, row: Row): Order {
  const items = db
    .select({
      sku: orderItems.sku,
      name: orderItems.name,
      quantity: orderItems.quantity,
      unitPriceCents: orderItems.unitPriceCents,
      lineTotalCents: orderItems.lineTotalCents,
    })
    .from(orderItems)
    .where(eq(orderItems.orderId, row.orderId))
    .orderBy(orderItems.sku)
    .all();
  return {
    orderId: row.orderId,
    userId: row.userId,
    status: row.status,
    items,
    totalCents: row.totalCents,
    currency: row.currency,
    shippingAddress: JSON.parse(row.shippingAddress) as Order["shippingAddress"],
    sagaId: row.sagaId,
    cancelReason: row.cancelReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** `findOrder` loads an order; with `userId`, another user's order is "not found" (never "forbidden"). */
export function findOrder(db: OrdersDb, orderId: string, userId?: string): Order {
  const row = db
    .select()
    .from(orderRecords)
    .where(
      userId
        ? and(eq(orderRecords.orderId, orderId), eq(orderRecords.userId, userId))
        : eq(orderRecords.orderId, orderId),
    )
    .get();
  if (!row) throw new NotFoundError(`order ${orderId} not found`);
  return toOrder(db, row);
}

export function findByIdempotencyKey(db: OrdersDb, userId: string, key: string): Row | undefined {
  return db
    .select()
    .from(orderRecords)
    .where(and(eq(orderRecords.userId, userId), eq(orderRecords.idempotencyKey, key)))
    .get();
}

export interface NewOrder {
  readonly orderId: string;
  readonly userId: string;
  readonly sagaId: string;
  readonly idempotencyKey: string;
  readonly currency: string;
  readonly totalCents: number;
  readonly shippingAddress: Order["shippingAddress"];
  readonly lines: ReadonlyArray<Order["items"][number]>;
}

export function insertOrder(db: OrdersDb, order: NewOrder, at: string): void {
  db.insert(orderRecords)
    .values({
      orderId: order.orderId,
      userId: order.userId,
      status: "pending",
      totalCents: order.totalCents,
      currency: order.currency,
      shippingAddress: JSON.stringify(order.shippingAddress),
      sagaId: order.sagaId,
      idempotencyKey: order.idempotencyKey,
      createdAt: at,
      updatedAt: at,
    })
    .run();
  for (const line of order.lines)
    db.insert(orderItems)
      .values({ orderId: order.orderId, ...line })
      .run();
}

export function setStatus(db: OrdersDb, orderId: string, status: OrderStatus, cancelReason?: string): void {
  db.update(orderRecords)
    .set({
      status,
      updatedAt: new Date().toISOString(),
      ...(cancelReason === undefined ? {} : { cancelReason }),
    })
    .where(eq(orderRecords.orderId, orderId))
    .run();
}
