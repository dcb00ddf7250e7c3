import type { orderViews } from "@bazaar/contracts";
import { decodeCursor, keysetLimit, keysetPage, NotFoundError } from "@bazaar/service-kit";
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import type * as v from "valibot";
import { orderViewRows } from "./db/schema.js";
import type { ViewsDb } from "./declaration.js";

export type OrderView = v.InferOutput<typeof orderViews.OrderView>;
type Row = typeof orderViewRows.$inferSelect;

function toView(row: Row & { userId: string }): OrderView {
  return {
    orderId: row.orderId,
    userId: row.userId,
    createdAt: row.createdAt,
    totalCents: row.totalCents,
    currency: row.currency,
    itemCount: row.itemCount,
    status: row.status,
    paymentStatus: row.paymentStatus,
    trackingNumber: row.trackingNumber,
    cancelReason: row.cancelReason,
    lastUpdated: row.lastUpdated,
  };
}

export function getView(db: ViewsDb, orderId: string): OrderView {
  const row = db.select().from(orderViewRows).where(eq(orderViewRows.orderId, orderId)).get();
  // A row heard of only through events that do not name the customer (a shipment before the order's
  // placement arrived) is not an order view yet: not found, as before anything was heard of it.
  if (!row || row.userId === null) throw new NotFoundError(`order ${orderId} not found`);
  return toView({ ...row, userId: row.userId });
}

/** Sort key: when the order was placed, or (before `order.placed` is seen) when anything was heard of it. */
const placed = sql<string>`coalesce(${orderViewRows.createdAt}, ${orderViewRows.lastUpdated})`;

/** A user's orders, newest first, keyset-paged: reads one index range, no calls to other services. */
export function listForUser(
  db: ViewsDb,
  userId: string,
  page: { cursor?: string | undefined; limit: number },
): { items: OrderView[]; nextCursor: string | null } {
  const after = page.cursor ? (decodeCursor(page.cursor, 2) as [string, string]) : undefined;
  const rows = db
    .select()
    .from(orderViewRows)
    .where(
      and(
        eq(orderViewRows.userId, userId),
        after
          ? or(lt(placed, after[0]), and(eq(placed, after[0]), lt(orderViewRows.orderId, after[1])))
          : undefined,
      ),
    )
    .orderBy(desc(placed), desc(orderViewRows.orderId))
    .limit(keysetLimit(page.limit))
    .all();
  return keysetPage({
    rows,
    limit: page.limit,
    key: (row) => [row.createdAt ?? row.lastUpdated, row.orderId],
    toItem: (row) => toView({ ...row, userId }),
  });
}
