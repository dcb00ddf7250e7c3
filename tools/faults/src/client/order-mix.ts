import type { OrderKind } from "../history/history-entry.js";

/** How often each kind of order is placed, relative to the others. */
export type OrderMix = Readonly<Record<OrderKind, number>>;

export const DEFAULT_MIX: OrderMix = {
  good: 70,
  declined: 8,
  "unsupported-country": 7,
  scarce: 8,
  "cancelled-by-client": 7,
};

/** `seededRandom` is a small deterministic generator (mulberry32): the same seed, the same run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `pickKind` draws a kind with the mix's weights. */
export function pickKind(mix: OrderMix, random: () => number): OrderKind {
  const entries = Object.entries(mix) as Array<[OrderKind, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let draw = random() * total;
  for (const [kind, weight] of entries) {
    draw -= weight;
    if (draw < 0) return kind;
  }
  return "good";
}

export interface OrderShape {
  readonly token: string;
  readonly country: string;
  readonly sku: string;
}

/** What the client sends for each kind: the card token, the country and which product. */
export function orderShape(kind: OrderKind, products: { plenty: string; scarce: string }): OrderShape {
  switch (kind) {
    case "declined":
      return { token: "tok_chargeDeclined", country: "GB", sku: products.plenty };
    case "unsupported-country":
      return { token: "tok_visa", country: "AQ", sku: products.plenty };
    case "scarce":
      return { token: "tok_visa", country: "GB", sku: products.scarce };
    default:
      return { token: "tok_visa", country: "GB", sku: products.plenty };
  }
}
