import type { SystemInvariant } from "../check-context.js";
import { type Violation, violation } from "../violation.js";

/**
 * Stock is conserved, seen through the API: what left the shelf is exactly what confirmed orders took,
 * and nothing is held once no order is in progress or parked. Inventory's own invariants check the same
 * against its tables (holds, commits); this one ties them to the orders.
 */
export const stockConserved: SystemInvariant = {
  name: "stock-conserved",
  description:
    "per product the run created: on hand = units added - units of confirmed orders; reserved = 0 when no order holding it is unfinished or parked",
  check({ records, final }) {
    const out: Violation[] = [];
    const shipped = new Map<string, number>();
    const live = new Set<string>();
    for (const order of final.orders) {
      for (const item of order.items) {
        if (order.status === "confirmed") shipped.set(item.sku, (shipped.get(item.sku) ?? 0) + item.quantity);
        if (order.status === "pending" || order.status === "requires_attention") live.add(item.sku);
      }
    }
    const products = new Map(final.products.map((p) => [p.sku, p]));
    for (const [sku, added] of records.unitsAdded) {
      const product = products.get(sku);
      if (!product) {
        out.push(violation(this.name, sku, `product ${sku} is missing`, "stockMismatches"));
        continue;
      }
      const expected = added - (shipped.get(sku) ?? 0);
      if (product.onHand !== expected) {
        out.push(
          violation(
            this.name,
            sku,
            `${sku}: on hand ${product.onHand}, expected ${expected} (${added} added, ${shipped.get(sku) ?? 0} shipped)`,
            "stockMismatches",
          ),
        );
      }
      if (!live.has(sku) && product.reserved !== 0) {
        out.push(
          violation(
            this.name,
            sku,
            `${sku}: ${product.reserved} units reserved with no order in progress or parked`,
            "stockMismatches",
          ),
        );
      }
    }
    return out;
  },
};
