import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, isErrorCode, statusOf } from "./error-codes.js";
import { placeOrder } from "./orders/index.js";
import { register } from "./users/index.js";

const issues = (schema: v.GenericSchema, input: unknown): string[] =>
  v.safeParse(schema, input).issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`) ?? [];

describe("register request", () => {
  it("normalizes email to lower case and trims the name", () => {
    const out = v.parse(register.request, {
      email: "  Ada@Example.COM ",
      password: "correct horse",
      name: "  Ada ",
    });
    expect(out).toEqual({ email: "ada@example.com", password: "correct horse", name: "Ada" });
  });

  it.each([
    [{ email: "nope", password: "0123456789", name: "A" }, "email: must be an email address"],
    [{ email: "a@b.co", password: "short", name: "A" }, "password: must be at least 10 characters"],
    [{ email: "a@b.co", password: "0123456789", name: "   " }, "name: must not be empty"],
  ])("rejects %j with a field path", (input, expected) => {
    expect(issues(register.request, input)).toContain(expected);
  });
});

describe("placeOrder request", () => {
  const valid = {
    userId: "u-1",
    items: [{ sku: "MUG-001", quantity: 2 }],
    shippingAddress: { name: "Ada", line1: "1 St", city: "London", postalCode: "N1", country: "GB" },
    paymentMethod: { token: "tok_visa" },
    idempotencyKey: "k-1",
  };

  it("accepts a valid order", () => {
    expect(issues(placeOrder.request, valid)).toEqual([]);
  });

  it("names the path of each bad field", () => {
    const bad = {
      ...valid,
      items: [{ sku: "mug", quantity: 0 }],
      shippingAddress: { ...valid.shippingAddress, country: "Britain" },
    };
    const found = issues(placeOrder.request, bad);
    expect(found).toContain("items.0.sku: must be 2-32 upper-case letters, digits or dashes");
    expect(found.some((i) => i.startsWith("items.0.quantity:"))).toBe(true);
    expect(found).toContain("shippingAddress.country: must be a 2-letter ISO 3166 country code");
  });

  it("refuses an empty order and fractional quantities", () => {
    expect(issues(placeOrder.request, { ...valid, items: [] })).toContain("items: at least one item");
    expect(issues(placeOrder.request, { ...valid, items: [{ sku: "MUG-001", quantity: 1.5 }] })).toContain(
      "items.0.quantity: must be an integer",
    );
  });
});

describe("error codes", () => {
  it("map to HTTP statuses once", () => {
    expect(statusOf("NOT_FOUND")).toBe(404);
    expect(statusOf("UNAVAILABLE")).toBe(503);
    expect(statusOf("TIMEOUT")).toBe(504);
    const statuses = Object.values(ERROR_CODES).map((c) => c.status);
    expect(new Set(statuses).size).toBe(statuses.length);
  });

  it("recognise only the closed set", () => {
    expect(isErrorCode("CONFLICT")).toBe(true);
    expect(isErrorCode("TEAPOT")).toBe(false);
    expect(isErrorCode("toString")).toBe(false);
  });
});
