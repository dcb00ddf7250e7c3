import { type Column, getTableColumns, type SQL, sql } from "drizzle-orm";
import { orderViewRows, orderViewsNext } from "./db/schema.js";
import type { ViewsDb } from "./declaration.js";
import { comesAfter } from "./ordering.js";

export type SwitchMode = "replace" | "merge";

const live = orderViewRows;
/** The rebuilt row's value of a column, inside the upsert. */
const rebuilt = (column: Column): SQL => sql.raw(`excluded."${column.name}"`);
/** The rebuilt value when `newer`, else the live one. */
const pick = (newer: SQL, column: Column): SQL =>
  sql`CASE WHEN ${newer} THEN ${rebuilt(column)} ELSE ${column} END`;
const rebuiltWins = (seq: Column, at: Column): SQL =>
  comesAfter({ seq: rebuilt(seq), at: rebuilt(at) }, { seq, at }, { orEqual: true });

/**
 * The merge, column by column: fields of the placement (user, creation, total) are facts that never
 * change, so the rebuilt row fills what it knows and the live row keeps the rest; each group owned by one
 * publisher (status, payment, shipment) takes the rebuilt values only when they are at least as new, under
 * the same ordering rule as the live projection. An order placed before the oldest message still in the
 * streams keeps its user, total and creation time when only its later events were replayed.
 */
function mergeSet(): Record<string, SQL> {
  const status = rebuiltWins(live.statusSeq, live.statusAt);
  const payment = rebuiltWins(live.paymentSeq, live.paymentAt);
  const shipment = rebuiltWins(live.shipmentSeq, live.shipmentAt);
  const fill = (column: Column): SQL => sql`coalesce(${rebuilt(column)}, ${column})`;
  return {
    userId: fill(live.userId),
    createdAt: fill(live.createdAt),
    totalCents: fill(live.totalCents),
    currency: fill(live.currency),
    itemCount: fill(live.itemCount),
    status: pick(status, live.status),
    statusAt: pick(status, live.statusAt),
    statusSeq: pick(status, live.statusSeq),
    cancelReason: pick(status, live.cancelReason),
    paymentStatus: pick(payment, live.paymentStatus),
    paymentAt: pick(payment, live.paymentAt),
    paymentSeq: pick(payment, live.paymentSeq),
    trackingNumber: pick(shipment, live.trackingNumber),
    shipmentAt: pick(shipment, live.shipmentAt),
    shipmentSeq: pick(shipment, live.shipmentSeq),
    lastUpdated: sql`max(${live.lastUpdated}, ${rebuilt(live.lastUpdated)})`,
  };
}

/** Every column, each set to the rebuilt value: a rebuilt row replaces the live one. */
function replaceSet(): Record<string, SQL> {
  const { orderId: _key, ...columns } = getTableColumns(live);
  return Object.fromEntries(Object.entries(columns).map(([name, column]) => [name, rebuilt(column)]));
}

/**
 * `switchOver` applies the rebuilt table to the live one, inside the caller's transaction. `replace` (the
 * streams held their whole history) overwrites each order the streams know with its rebuilt row; `merge`
 * (older messages are gone) merges column by column. Neither deletes a row: an order the streams do not
 * know (its events aged out, or a stream was recreated) stays as it was. Returns the rows it wrote and the
 * live rows it left alone.
 */
export function switchOver(tx: ViewsDb, mode: SwitchMode): { applied: number; untouched: number } {
  const { count: untouched } = tx
    .select({ count: sql<number>`count(*)` })
    .from(live)
    .where(sql`${live.orderId} NOT IN (SELECT ${orderViewsNext.orderId} FROM ${orderViewsNext})`)
    .get() ?? { count: 0 };
  const { changes } = tx
    .insert(live)
    // `WHERE true` keeps SQLite from reading the upsert's ON as a join constraint.
    .select(tx.select().from(orderViewsNext).where(sql`true`))
    .onConflictDoUpdate({ target: live.orderId, set: mode === "replace" ? replaceSet() : mergeSet() })
    .run();
  tx.delete(orderViewsNext).run();
  return { applied: changes, untouched };
}
