import { describe, expect, it } from "vitest";
import { retryAfterMs } from "./retry-after.js";

describe("retryAfterMs", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it.each([
    ["12", 12_000],
    [" 0 ", 0],
    ["Thu, 01 Jan 2026 00:00:05 GMT", 5_000],
    ["Wed, 31 Dec 2025 23:59:00 GMT", 0],
    ["soon", undefined],
    ["-3", undefined],
    ["", undefined],
    [null, undefined],
  ])("reads %j as %j ms", (value, ms) => {
    expect(retryAfterMs(value, now)).toBe(ms);
  });
});
