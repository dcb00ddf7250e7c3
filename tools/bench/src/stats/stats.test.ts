import { describe, expect, it } from "vitest";
import { LatencyHistogram, median, percentile, ratio } from "./stats.js";

describe("median", () => {
  it("is the middle value, or the mean of the two middle ones", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });
});

describe("percentile", () => {
  it("is the nearest rank", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBe(0);
  });
});

describe("LatencyHistogram", () => {
  it("gives percentiles to its 10 µs bucket, from the upper edge", () => {
    const h = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) h.record(i / 10); // 0.1 … 100 ms
    expect(h.count).toBe(1000);
    expect(h.percentile(50)).toBeCloseTo(50.01, 2);
    expect(h.percentile(99)).toBeCloseTo(99.01, 2);
  });

  it("puts what exceeds its range in the last bucket", () => {
    const h = new LatencyHistogram();
    h.record(60_000);
    expect(h.percentile(50)).toBe(10_000);
  });
});

describe("ratio", () => {
  it("rounds to two decimals and refuses a zero denominator", () => {
    expect(ratio(1, 3)).toBe(0.33);
    expect(ratio(1, 0)).toBeNull();
  });
});
