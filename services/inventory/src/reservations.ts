import { type ErrorBody, inventory } from "@bazaar/contracts";
import { ConflictError, NotFoundError, type Outcome } from "@bazaar/service-kit";
import { eq, inArray, sql } from "drizzle-orm";
import type * as v from "valibot";
import { mergeItems } from "./catalogue.js";
import { products, reservationItems, reservations } from "./db/schema.js";
import type { InventoryOutbox, InventoryTx } from "./declaration.js";

export type Reservation = v.InferOutput<typeof inventory.Reservation>;
/** A stored refusal: the error body it is answered with, every time. */
export type Rejection = ErrorBody;

/** A reservation attempt ends reserved, or refused; the refusal is stored with the attempt (see `Outcome`). */
export type ReserveOutcome = Outcome<Reservation>;

function loadOutcome(tx: InventoryTx, orderId: string): ReserveOutcome | undefined {
  const row = tx.select().from(reservations).where(eq(reservations.orderId, orderId)).get();
  if (!row) return undefined;
  if (row.status === "rejected") return { refusal: JSON.parse(row.rejection ?? "{}") as Rejection };
  return { value: load(tx, orderId) as Reservation };
}

function load(tx: InventoryTx, orderId: string): Reservation | undefined {
  const row = tx.select().from(reservations).where(eq(reservations.orderId, orderId)).get();
  if (!row || row.status === "rejected") return undefined;
  const items = tx
    .select({ sku: reservationItems.sku, quantity: reservationItems.quantity })
    .from(reservationItems)
    .where(eq(reservationItems.orderId, orderId))
    .orderBy(reservationItems.sku)
    .all();
  return { orderId, status: row.status, items, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

function reject(tx: InventoryTx, orderId: string, rejection: Rejection): ReserveOutcome {
  const now = new Date().toISOString();
  tx.insert(reservations)
    .values({
      orderId,
      status: "rejected",
      rejection: JSON.stringify(rejection),
      createdAt: now,
      updatedAt: now,
    })
    .run();
  return { refusal: rejection };
}

/** Emits stock.low for each product that just crossed below its threshold. */
function reportLowStock(
  tx: InventoryTx,
  outbox: InventoryOutbox,
  skus: string[],
  before: Map<string, number>,
): void {
  const rows = tx.select().from(products).where(inArray(products.sku, skus)).all();
  for (const row of rows) {
    const available = row.onHand - row.reserved;
    const was = before.get(row.sku) ?? available;
    if (available < row.lowStockThreshold && was >= row.lowStockThreshold) {
      outbox.emit(inventory.stockLow, { sku: row.sku, available, threshold: row.lowStockThreshold });
    }
  }
}

/**
 * `reserve` holds every item of an order, or none. It runs in one SQLite write transaction, so concurrent
 * reservations are serialised and available stock (`on_hand - reserved`) can never go negative; a CHECK
 * constraint backs that up. The outcome, success or rejection, is stored per order: a repeat returns it.
 */
export function reserve(
  tx: InventoryTx,
  outbox: InventoryOutbox,
  orderId: string,
  items: ReadonlyArray<{ sku: string; quantity: number }>,
): ReserveOutcome {
  const existing = loadOutcome(tx, orderId);
  if (existing) return existing;

  const wanted = mergeItems(items);
  const skus = [...wanted.keys()];
  const rows = tx.select().from(products).where(inArray(products.sku, skus)).all();
  const bySku = new Map(rows.map((r) => [r.sku, r]));
  const missing = skus.filter((sku) => !bySku.has(sku));
  if (missing.length > 0) {
    return reject(tx, orderId, {
      code: "NOT_FOUND",
      message: `unknown product${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`,
      details: { skus: missing },
    });
  }
  const short = skus
    .map((sku) => {
      const row = bySku.get(sku) as (typeof rows)[number];
      return { sku, requested: wanted.get(sku) ?? 0, available: row.onHand - row.reserved };
    })
    .filter((s) => s.requested > s.available);
  if (short.length > 0) {
    return reject(tx, orderId, {
      code: "CONFLICT",
      reason: "OUT_OF_STOCK",
      message: `not enough stock for ${short.map((s) => `${s.sku} (requested ${s.requested}, available ${s.available})`).join(", ")}`,
      details: { items: short },
    });
  }

  const now = new Date().toISOString();
  const before = new Map(rows.map((r) => [r.sku, r.onHand - r.reserved]));
  tx.insert(reservations).values({ orderId, status: "reserved", createdAt: now, updatedAt: now }).run();
  for (const [sku, quantity] of wanted) {
    tx.update(products)
      .set({ reserved: sql`${products.reserved} + ${quantity}`, updatedAt: now })
      .where(eq(products.sku, sku))
      .run();
    tx.insert(reservationItems).values({ orderId, sku, quantity }).run();
  }
  const reserved = [...wanted].map(([sku, quantity]) => ({ sku, quantity }));
  outbox.emit(inventory.stockReserved, { orderId, items: reserved });
  reportLowStock(tx, outbox, skus, before);
  return { value: load(tx, orderId) as Reservation };
}

/** `release` gives back exactly what an order reserved. Idempotent; unknown orders are a no-op. */
export function release(
  tx: InventoryTx,
  outbox: InventoryOutbox,
  orderId: string,
  reason?: string,
): { orderId: string; status: "released" | "not_reserved" } {
  // Unknown and rejected reservations hold nothing.
  const current = load(tx, orderId);
  if (!current) {
    // A saga may release a reservation whose request timed out and is still on its way: refuse that
    // reservation in advance, so stock is never held for an order that was already given up.
    if (!loadOutcome(tx, orderId)) {
      reject(tx, orderId, {
        code: "CONFLICT",
        reason: "ALREADY_RELEASED",
        message: `order ${orderId} was released before it was reserved`,
      });
    }
    return { orderId, status: "not_reserved" };
  }
  if (current.status === "released") return { orderId, status: "released" };
  if (current.status === "committed")
    throw new ConflictError(`order ${orderId} has shipped; its stock cannot be released`, {
      reason: "ALREADY_COMMITTED",
    });
  const now = new Date().toISOString();
  for (const item of current.items) {
    tx.update(products)
      .set({ reserved: sql`${products.reserved} - ${item.quantity}`, updatedAt: now })
      .where(eq(products.sku, item.sku))
      .run();
  }
  tx.update(reservations)
    .set({ status: "released", updatedAt: now })
    .where(eq(reservations.orderId, orderId))
    .run();
  outbox.emit(inventory.stockReleased, { orderId, items: current.items, ...(reason ? { reason } : {}) });
  return { orderId, status: "released" };
}

/** `commit` is called when the order ships: reserved units leave stock on hand. Idempotent. */
export function commit(tx: InventoryTx, outbox: InventoryOutbox, orderId: string): Reservation {
  const current = load(tx, orderId);
  if (!current) throw new NotFoundError(`no reservation for order ${orderId}`);
  if (current.status === "committed") return current;
  if (current.status === "released")
    throw new ConflictError(`order ${orderId} was released; it cannot ship`, { reason: "ALREADY_RELEASED" });
  const now = new Date().toISOString();
  for (const item of current.items) {
    tx.update(products)
      .set({
        onHand: sql`${products.onHand} - ${item.quantity}`,
        reserved: sql`${products.reserved} - ${item.quantity}`,
        updatedAt: now,
      })
      .where(eq(products.sku, item.sku))
      .run();
  }
  tx.update(reservations)
    .set({ status: "committed", updatedAt: now })
    .where(eq(reservations.orderId, orderId))
    .run();
  outbox.emit(inventory.stockCommitted, { orderId, items: current.items });
  return load(tx, orderId) as Reservation;
}
