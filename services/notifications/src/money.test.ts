import { describe, expect, it } from "vitest";
import { formatMoney } from "./money.js";

describe("formatMoney", () => {
  it.each([
    [1299, "EUR", "€12.99"],
    [5, "EUR", "€0.05"],
    [123456789, "EUR", "€1,234,567.89"],
    [1299, "USD", "US$12.99"],
    [1500, "JPY", "JP¥1,500"],
    [1234, "KWD", "KWD 1.234"],
  ])("formats %i minor units of %s as %s", (cents, currency, expected) => {
    expect(formatMoney(cents, currency).replace(/\u00a0/g, " ")).toBe(expected);
  });
});
