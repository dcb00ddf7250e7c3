import { describe, expect, it } from "vitest";
import { retryDelay } from "./backoff.js";

describe("retryDelay", () => {
  it("doubles per delivery and stays within the cap", () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelay(n, 100, 10_000, mid))).toEqual([100, 200, 400, 800]);
    expect(retryDelay(30, 100, 10_000, mid)).toBe(10_000);
  });

  it("jitters by at most 20% so retries of many messages spread out", () => {
    expect(retryDelay(1, 100, 10_000, () => 0)).toBe(80);
    expect(retryDelay(1, 100, 10_000, () => 0.999)).toBeLessThanOrEqual(120);
  });
});
