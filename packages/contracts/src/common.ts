import * as v from "valibot";

/** Identifiers are opaque strings (UUIDs here); bounded so nothing unbounded is stored or logged. */
export const Id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));
export const Timestamp = v.pipe(v.string(), v.isoTimestamp());
export const Email = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(254),
  v.email("must be an email address"),
);

/** ISO 4217 code, upper case. */
export const Currency = v.pipe(v.string(), v.regex(/^[A-Z]{3}$/, "must be a 3-letter ISO 4217 code"));
/** Money is integer minor units (cents): no floating point anywhere. */
export const Cents = v.pipe(
  v.number(),
  v.integer("must be an integer number of cents"),
  v.minValue(0),
  v.maxValue(100_000_000_000),
);

export const Sku = v.pipe(
  v.string(),
  v.regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, "must be 2-32 upper-case letters, digits or dashes"),
);
export const Quantity = v.pipe(
  v.number(),
  v.integer("must be an integer"),
  v.minValue(1),
  v.maxValue(10_000),
);

export const LineItem = v.object({ sku: Sku, quantity: Quantity });
export type LineItem = v.InferOutput<typeof LineItem>;
export const LineItems = v.pipe(v.array(LineItem), v.minLength(1, "at least one item"), v.maxLength(50));

/** ISO 3166-1 alpha-2 country code. */
export const Country = v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, "must be a 2-letter ISO 3166 country code"));

const Line = (max: number) =>
  v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(max));

export const Address = v.object({
  name: Line(100),
  line1: Line(200),
  line2: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))),
  city: Line(100),
  postalCode: Line(20),
  country: Country,
});
export type Address = v.InferOutput<typeof Address>;

/** Opaque payment token from the client (`tok_visa`, ...); never card numbers. */
export const PaymentMethod = v.object({
  token: v.pipe(v.string(), v.regex(/^tok_[A-Za-z0-9_]{1,60}$/, "must be a payment token (tok_...)")),
});

/** Cursor pagination: an opaque cursor and a bounded page size. */
export const PageRequest = {
  cursor: v.optional(v.pipe(v.string(), v.maxLength(200))),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 20),
};

export function page<T extends v.GenericSchema>(item: T) {
  return v.object({ items: v.array(item), nextCursor: v.nullable(v.string()) });
}

export const Empty = v.object({});
