import * as v from "valibot";
import {
  Cents,
  Currency,
  Id,
  LineItem,
  LineItems,
  PageRequest,
  page,
  Quantity,
  Sku,
  Timestamp,
} from "../common.js";
import { defineEvent, defineRpc } from "../define.js";
import { INVENTORY_STREAM } from "../streams.js";

export const Product = v.object({
  sku: Sku,
  name: v.string(),
  description: v.string(),
  priceCents: Cents,
  currency: Currency,
  /** Units physically held. */
  onHand: v.pipe(v.number(), v.integer()),
  /** Units promised to orders that have not shipped. */
  reserved: v.pipe(v.number(), v.integer()),
  /** `onHand - reserved`: what can still be sold. */
  available: v.pipe(v.number(), v.integer()),
  updatedAt: Timestamp,
});
export type Product = v.InferOutput<typeof Product>;

export const listProducts = defineRpc({
  service: "inventory",
  name: "listProducts",
  description: "The catalogue, one page at a time, ordered by SKU.",
  request: v.object({ ...PageRequest }),
  response: page(Product),
  errors: ["BAD_REQUEST"],
});

export const getProduct = defineRpc({
  service: "inventory",
  name: "getProduct",
  description: "One product by SKU.",
  request: v.object({ sku: Sku }),
  response: Product,
  errors: ["NOT_FOUND"],
});

export const QuoteLine = v.object({
  sku: Sku,
  name: v.string(),
  quantity: Quantity,
  unitPriceCents: Cents,
  lineTotalCents: Cents,
});
export type QuoteLine = v.InferOutput<typeof QuoteLine>;

export const quote = defineRpc({
  service: "inventory",
  name: "quote",
  description: "Current prices and totals for a list of items (orders never trust a client's total).",
  request: v.object({ items: LineItems }),
  response: v.object({ lines: v.array(QuoteLine), totalCents: Cents, currency: Currency }),
  errors: ["NOT_FOUND", "UNPROCESSABLE"],
});

const Text = (max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(max));

export const createProduct = defineRpc({
  service: "inventory",
  name: "createProduct",
  description: "Add a product to the catalogue (admin).",
  request: v.object({
    sku: Sku,
    name: Text(120),
    description: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000)), ""),
    priceCents: Cents,
    currency: v.optional(Currency, "EUR"),
    stock: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000)), 0),
  }),
  response: Product,
  errors: ["BAD_REQUEST", "CONFLICT"],
  command: true,
});

export const restock = defineRpc({
  service: "inventory",
  name: "restock",
  description: "Add units to a product's stock on hand (admin). Idempotent per idempotency key.",
  request: v.object({ sku: Sku, quantity: Quantity }),
  response: Product,
  errors: ["BAD_REQUEST", "NOT_FOUND"],
  command: true,
});

export const ReservationStatus = v.picklist(["reserved", "released", "committed"]);
export const Reservation = v.object({
  orderId: Id,
  status: ReservationStatus,
  items: v.array(LineItem),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Reservation = v.InferOutput<typeof Reservation>;

export const reserve = defineRpc({
  service: "inventory",
  name: "reserve",
  description:
    "Reserve every item of an order, all or nothing. Idempotent per order: a repeat returns the first result. Out of stock: CONFLICT with reason OUT_OF_STOCK.",
  request: v.object({ orderId: Id, items: LineItems }),
  response: Reservation,
  errors: ["NOT_FOUND", "CONFLICT"],
  command: true,
});

export const release = defineRpc({
  service: "inventory",
  name: "release",
  description: "Give back exactly what an order reserved. Idempotent; releasing an unknown order is a no-op.",
  request: v.object({ orderId: Id, reason: v.optional(v.pipe(v.string(), v.maxLength(200))) }),
  response: v.object({ orderId: Id, status: v.picklist(["released", "not_reserved"]) }),
  errors: ["CONFLICT"],
  command: true,
});

export const commit = defineRpc({
  service: "inventory",
  name: "commit",
  description: "The order shipped: reserved units leave stock on hand. Idempotent.",
  request: v.object({ orderId: Id }),
  response: Reservation,
  errors: ["NOT_FOUND", "CONFLICT"],
  command: true,
});

export const stockReserved = defineEvent({
  type: "stock.reserved",
  version: 1,
  publisher: "inventory",
  stream: INVENTORY_STREAM,
  description: "Units were reserved for an order.",
  data: v.object({ orderId: Id, items: v.array(LineItem) }),
});

export const stockReleased = defineEvent({
  type: "stock.released",
  version: 1,
  publisher: "inventory",
  stream: INVENTORY_STREAM,
  description: "An order's reserved units were given back.",
  data: v.object({ orderId: Id, items: v.array(LineItem), reason: v.optional(v.string()) }),
});

export const stockCommitted = defineEvent({
  type: "stock.committed",
  version: 1,
  publisher: "inventory",
  stream: INVENTORY_STREAM,
  description: "An order's reserved units left the warehouse.",
  data: v.object({ orderId: Id, items: v.array(LineItem) }),
});

export const stockLow = defineEvent({
  type: "stock.low",
  version: 1,
  publisher: "inventory",
  stream: INVENTORY_STREAM,
  description: "A product's available units fell below its threshold.",
  data: v.object({
    sku: Sku,
    available: v.pipe(v.number(), v.integer()),
    threshold: v.pipe(v.number(), v.integer()),
  }),
});
