import { products } from "./db/schema.js";
import type { InventoryTx } from "./declaration.js";

/** The demo catalogue: varied stock, a few items already low, one sold out. */
export const DEMO_CATALOGUE = [
  { sku: "MUG-001", name: "Bazaar mug", description: "Stoneware, 350 ml", priceCents: 1299, stock: 120 },
  {
    sku: "TEE-001",
    name: "Bazaar T-shirt",
    description: "Organic cotton, unisex",
    priceCents: 2499,
    stock: 60,
  },
  { sku: "HOOD-001", name: "Bazaar hoodie", description: "Heavyweight fleece", priceCents: 5999, stock: 25 },
  { sku: "CAP-001", name: "Baseball cap", description: "Embroidered logo", priceCents: 1999, stock: 40 },
  { sku: "BAG-001", name: "Tote bag", description: "Canvas, 10 L", priceCents: 1499, stock: 80 },
  {
    sku: "BOTTLE-001",
    name: "Water bottle",
    description: "Steel, 750 ml, keeps cold 24 h",
    priceCents: 2299,
    stock: 35,
  },
  { sku: "NOTE-001", name: "Notebook", description: "A5, dotted, 120 pages", priceCents: 899, stock: 200 },
  { sku: "PEN-001", name: "Gel pen set", description: "Five colours", priceCents: 699, stock: 150 },
  {
    sku: "STICK-001",
    name: "Sticker pack",
    description: "Twelve vinyl stickers",
    priceCents: 499,
    stock: 500,
  },
  { sku: "SOCK-001", name: "Socks", description: "Merino, one size", priceCents: 1199, stock: 4 },
  { sku: "LAMP-001", name: "Desk lamp", description: "LED, dimmable", priceCents: 4599, stock: 3 },
  { sku: "POSTER-001", name: "Poster", description: "Limited print, 50 × 70 cm", priceCents: 2999, stock: 2 },
  { sku: "KEY-001", name: "Keyring", description: "Enamel", priceCents: 399, stock: 0 },
] as const;

/** `seedCatalogue` inserts the demo products that are missing; running it again changes nothing. */
export function seedCatalogue(tx: InventoryTx): number {
  const now = new Date().toISOString();
  let added = 0;
  for (const p of DEMO_CATALOGUE) {
    const row = tx
      .insert(products)
      .values({
        sku: p.sku,
        name: p.name,
        description: p.description,
        priceCents: p.priceCents,
        currency: "EUR",
        onHand: p.stock,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning({ sku: products.sku })
      .get();
    if (row) added++;
  }
  return added;
}
