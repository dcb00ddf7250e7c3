import { describe, expect, it } from "vitest";
import {
  type DeadLetterFilter,
  deadLetterGroupKey,
  type FilterableLetter,
  matchesDeadLetter,
  normalizeError,
} from "./dead-letter-filter.js";

describe("normalizeError", () => {
  it.each([
    ["order 123 not found", "order <n> not found"],
    ["order 7f9c1e2a-0b1d-4c1e-9f00-3a2b1c0d9e8f not found", "order <uuid> not found"],
    ['no stock for "MUG-001"', "no stock for <str>"],
    ["no stock for 'DESK-9'", "no stock for <str>"],
    ["msg aB3dE9fGh2kLmN0pQrStUv timed out after 1500 ms", "msg <id> timed out after <n> ms"],
    ["hash deadbeef01 mismatch", "hash <id> mismatch"],
    ["  spread \n over   lines ", "spread over lines"],
    ["invalid event (data.email: Invalid email)", "invalid event (data.email: Invalid email)"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeError(input)).toBe(expected);
  });

  it("groups failures of one cause under one key, and keeps causes, consumers and services apart", () => {
    const base = { service: "payments", consumer: "payments__order-placed-v1" };
    const a = deadLetterGroupKey({ ...base, error: "order 123 not found" });
    expect(deadLetterGroupKey({ ...base, error: "order 456 not found" })).toBe(a);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(deadLetterGroupKey({ ...base, error: "card 123 declined" })).not.toBe(a);
    expect(deadLetterGroupKey({ ...base, consumer: "other", error: "order 1 not found" })).not.toBe(a);
    expect(deadLetterGroupKey({ ...base, service: "shipping", error: "order 1 not found" })).not.toBe(a);
  });
});

describe("matchesDeadLetter", () => {
  const letter: FilterableLetter = {
    service: "payments",
    consumer: "payments__order-placed-v1",
    stream: "ORDERS",
    eventType: "order.placed",
    error: "Card Declined for order 42",
    failedAt: "2026-12-01T10:00:00.000Z",
    groupKey: "0123456789abcdef",
  };
  const cases: Array<[DeadLetterFilter, boolean]> = [
    [{}, true],
    [{ service: "payments" }, true],
    [{ service: "shipping" }, false],
    [{ consumer: "payments__order-placed-v1" }, true],
    [{ consumer: "payments" }, false],
    [{ stream: "ORDERS" }, true],
    [{ stream: "orders" }, false],
    [{ eventType: "order.placed" }, true],
    [{ eventType: "order.cancelled" }, false],
    [{ error: "card declined" }, true],
    [{ error: "ORDER 42" }, true],
    [{ error: "timeout" }, false],
    [{ groupKey: "0123456789abcdef" }, true],
    [{ groupKey: "fedcba9876543210" }, false],
    [{ from: new Date("2026-12-01T10:00:00.000Z") }, true],
    [{ from: new Date("2026-12-01T10:00:00.001Z") }, false],
    [{ to: new Date("2026-12-01T10:00:00.000Z") }, true],
    [{ to: new Date("2026-12-01T09:59:59.999Z") }, false],
    [
      { from: new Date("2026-12-01T00:00:00Z"), to: new Date("2026-12-02T00:00:00Z"), service: "payments" },
      true,
    ],
  ];
  it.each(cases)("%o → %s", (filter, expected) => {
    expect(matchesDeadLetter(letter, filter)).toBe(expected);
  });

  it("a letter without a readable time matches no time range, and still matches other filters", () => {
    const timeless = { ...letter, failedAt: "" };
    expect(matchesDeadLetter(timeless, { from: new Date(0) })).toBe(false);
    expect(matchesDeadLetter(timeless, { service: "payments" })).toBe(true);
  });
});
