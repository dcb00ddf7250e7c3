import type { inventory } from "@bazaar/contracts";
import {
  ConflictError,
  decodeCursor,
  keysetLimit,
  keysetPage,
  NotFoundError,
  UnprocessableError,
} from "@bazaar/service-kit";
import { asc, eq, gt, inArray, sql } from "drizzle-orm";
import type * as v from "valibot";
import { products } from "./db/schema.js";
import type { InventoryTx } from "./declaration.js";

type ProductRow = typeof products.$inferSelect;
export type Product = v.InferOutput<typeof inventory.Product>;

/** `toProduct` is the wire shape of a row: `available` is derived, never stored. */
export function toProduct(row: ProductRow): Product {
  return {
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceCents: row.priceCents,
    currency: row.currency,
    onHand: row.onHand,
    reserved: row.reserved,
    available: row.onHand - row.reserved,
    updatedAt: row.updatedAt,
  };
}

/** `listProducts` pages through the catalogue by SKU (keyset pagination: stable under inserts). */
export function listProducts(
  tx: InventoryTx,
  page: { cursor?: string | undefined; limit: number },
): { items: Product[]; nextCursor: string | null } {
  const after = page.cursor ? String(decodeCursor(page.cursor, 1)[0]) : "";
  const rows = tx
    .select()
    .from(products)
    .where(gt(products.sku, after))
    .orderBy(asc(products.sku))
    .limit(keysetLimit(page.limit))
    .all();
  return keysetPage({ rows, limit: page.limit, key: (row) => [row.sku], toItem: toProduct });
}

/**
 * `prepareCatalogue` is the catalogue's hot read, built once per running service: drizzle composes the
 * query and SQLite compiles the statement once, instead of on every call.
 */
export function prepareCatalogue(db: InventoryTx) {
  const bySku = db
    .select()
    .from(products)
    .where(eq(products.sku, sql.placeholder("sku")))
    .prepare();
  return {
    getProduct(sku: string): Product {
      const row = bySku.get({ sku });
      if (!row) throw new NotFoundError(`product ${sku} not found`);
      return toProduct(row);
    },
  };
}

export type PreparedCatalogue = ReturnType<typeof prepareCatalogue>;

export interface NewProduct {
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly priceCents: number;
  readonly currency: string;
  readonly stock: number;
  readonly lowStockThreshold?: number;
}

export function createProduct(tx: InventoryTx, input: NewProduct): Product {
  const now = new Date().toISOString();
  const inserted = tx
    .insert(products)
    .values({
      sku: input.sku,
      name: input.name,
      description: input.description,
      priceCents: input.priceCents,
      currency: input.currency,
      onHand: input.stock,
      lowStockThreshold: input.lowStockThreshold ?? 5,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning()
    .get();
  if (!inserted) throw new ConflictError(`product ${input.sku} already exists`, { reason: "SKU_TAKEN" });
  return toProduct(inserted);
}

export function restock(tx: InventoryTx, sku: string, quantity: number): Product {
  const row = tx
    .update(products)
    .set({ onHand: sql`${products.onHand} + ${quantity}`, updatedAt: new Date().toISOString() })
    .where(eq(products.sku, sku))
    .returning()
    .get();
  if (!row) throw new NotFoundError(`product ${sku} not found`);
  return toProduct(row);
}

/** Sums quantities per SKU (an order may list a SKU twice). */
export function mergeItems(items: ReadonlyArray<{ sku: string; quantity: number }>): Map<string, number> {
  const merged = new Map<string, number>();
  for (const item of items) merged.set(item.sku, (merged.get(item.sku) ?? 0) + item.quantity);
  return merged;
}

/** `quote` prices items from the current catalogue; every line must exist and share one currency. */
export function quote(
  tx: InventoryTx,
  items: ReadonlyArray<{ sku: string; quantity: number }>,
): v.InferOutput<typeof inventory.quote.response> {
  const merged = mergeItems(items);
  const rows = tx
    .select()
    .from(products)
    .where(inArray(products.sku, [...merged.keys()]))
    .all();
  const bySku = new Map(rows.map((r) => [r.sku, r]));
  const missing = [...merged.keys()].filter((sku) => !bySku.has(sku));
  if (missing.length > 0)
    throw new NotFoundError(`unknown product${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`, {
      details: { skus: missing },
    });
  const currencies = new Set(rows.map((r) => r.currency));
  if (currencies.size > 1)
    throw new UnprocessableError(`items are priced in different currencies (${[...currencies].join(", ")})`, {
      reason: "MIXED_CURRENCIES",
    });
  const lines = [...merged].map(([sku, quantity]) => {
    const row = bySku.get(sku) as ProductRow;
    return {
      sku,
      name: row.name,
      quantity,
      unitPriceCents: row.priceCents,
      lineTotalCents: row.priceCents * quantity,
    };
  });
  return {
    lines,
    totalCents: lines.reduce((sum, l) => sum + l.lineTotalCents, 0),
    currency: rows[0]?.currency ?? "EUR",
  };
}
