import { describe, expect, it } from "vitest";
import { histogramQuantile } from "./histogram-quantile.js";

const INF = Number.POSITIVE_INFINITY;

describe("histogramQuantile", () => {
  it("interpolates inside the bucket that holds the rank, as PromQL does", () => {
    const buckets = [
      { le: 0.1, count: 50 },
      { le: 1, count: 100 },
      { le: INF, count: 100 },
    ];
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.91, 10);
    expect(histogramQuantile(0.5, buckets)).toBeCloseTo(0.1, 10);
    expect(histogramQuantile(0.25, buckets)).toBeCloseTo(0.05, 10);
  });

  it("sorts the buckets first, whatever order they came in", () => {
    const buckets = [
      { le: INF, count: 10 },
      { le: 0.01, count: 0 },
      { le: 0.02, count: 10 },
    ];
    expect(histogramQuantile(0.95, buckets)).toBeCloseTo(0.0195, 10);
  });

  it("answers the highest finite bound when the rank falls in +Inf", () => {
    const buckets = [
      { le: 0.5, count: 1 },
      { le: 1, count: 2 },
      { le: INF, count: 10 },
    ];
    expect(histogramQuantile(0.95, buckets)).toBe(1);
  });

  it("has no answer without observations", () => {
    expect(histogramQuantile(0.95, [])).toBeUndefined();
    expect(
      histogramQuantile(0.95, [
        { le: 1, count: 0 },
        { le: INF, count: 0 },
      ]),
    ).toBeUndefined();
  });
});
