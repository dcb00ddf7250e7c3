// Every peer process is configured by the harness through these variables only.

/** `peerEnv` reads one required variable, naming it when it is missing. */
export function peerEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set (the bench harness sets it)`);
  return value;
}

/** The product row every peer answers, in the shape Bazaar's `inventory.getProduct` gives. */
export interface ProductRow {
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly price_cents: number;
  readonly currency: string;
  readonly on_hand: number;
  readonly reserved: number;
}

export const PRODUCT_SQL =
  "SELECT sku, name, description, price_cents, currency, on_hand, reserved FROM products WHERE sku = ?";

/** `toProduct` maps a row to the wire shape (camelCase, `available`), as the inventory service does. */
export function toProduct(row: ProductRow) {
  return {
    sku: row.sku,
    name: row.name,
    description: row.description,
    priceCents: row.price_cents,
    currency: row.currency,
    onHand: row.on_hand,
    reserved: row.reserved,
    available: row.on_hand - row.reserved,
  };
}
