import { describe, expect, it } from "vitest";
import { deriveSeries } from "./derive-series.js";
import { parsePrometheusText } from "./prometheus-text.js";

/** What a service's /metrics says, cut to the metrics the console charts (prom-client's layout). */
function scrape(o: { pending: number; placed: number; confirmed: number; fast: number; slow: number }) {
  const labels = 'service="orders",instance="orders-1"';
  const buckets = [0.001, 0.005, 0.01, 0.1, 1];
  return parsePrometheusText(
    [
      "# TYPE bazaar_consumer_pending gauge",
      `bazaar_consumer_pending{consumer="orders__payment-captured-v1",${labels}} ${o.pending}`,
      `bazaar_consumer_pending{consumer="orders__stock-reserved-v1",${labels}} 0`,
      `bazaar_outbox_pending{${labels}} 2`,
      `bazaar_outbox_oldest_pending_age_seconds{${labels}} 1.5`,
      `bazaar_consumer_processed_total{consumer="notifications__order-placed-v1",${labels}} ${o.placed}`,
      `bazaar_consumer_processed_total{consumer="order-views__order-placed-v1",${labels}} ${o.placed - 1}`,
      `bazaar_consumer_processed_total{consumer="notifications__order-confirmed-v1",${labels}} ${o.confirmed}`,
      `bazaar_consumer_processed_total{consumer="notifications__user-registered-v1",${labels}} 40`,
      ...buckets.map(
        (le) =>
          `bazaar_rpc_request_duration_seconds_bucket{le="${le}",endpoint="placeOrder",${labels}} ${le >= 0.01 ? o.fast + (le >= 1 ? o.slow : 0) : 0}`,
      ),
      `bazaar_rpc_request_duration_seconds_bucket{le="+Inf",endpoint="placeOrder",${labels}} ${o.fast + o.slow}`,
      `bazaar_rpc_request_duration_seconds_count{endpoint="placeOrder",${labels}} ${o.fast + o.slow}`,
    ].join("\n"),
  );
}

describe("deriveSeries", () => {
  it("reads gauges from a single scrape: lag per consumer, outbox pending and oldest age", () => {
    const points = deriveSeries({
      service: "orders",
      current: scrape({ pending: 7, placed: 10, confirmed: 8, fast: 100, slow: 0 }),
    });
    expect(points).toEqual([
      {
        chart: "consumer_lag",
        labels: { service: "orders", consumer: "orders__payment-captured-v1" },
        value: 7,
      },
      {
        chart: "consumer_lag",
        labels: { service: "orders", consumer: "orders__stock-reserved-v1" },
        value: 0,
      },
      { chart: "outbox_pending", labels: { service: "orders" }, value: 2 },
      { chart: "outbox_oldest_age_seconds", labels: { service: "orders" }, value: 1.5 },
    ]);
  });

  it("gives rates and the p95 of the interval only, from two scrapes", () => {
    const previous = scrape({ pending: 0, placed: 10, confirmed: 8, fast: 1000, slow: 0 });
    // 30 s later: 20 more requests, 10 of them slow (between 0.1 s and 1 s).
    const current = scrape({ pending: 0, placed: 25, confirmed: 20, fast: 1010, slow: 10 });
    const points = deriveSeries({ service: "orders", current, previous, elapsedSeconds: 30 });
    const p95 = points.find((p) => p.chart === "rpc_p95_ms");
    // The rank 19 of 20 lies in (0.1, 1]: 9 of its 10: 0.1 + 0.9 * 0.9 = 0.91 s. Over all 1020 it would be ~10 ms.
    expect(p95?.labels).toEqual({ service: "orders", endpoint: "placeOrder" });
    expect(p95?.value).toBeCloseTo(910, 6);
    const perMinute = Object.fromEntries(
      points.filter((p) => p.chart === "orders_per_minute").map((p) => [p.labels.outcome, p.value]),
    );
    expect(perMinute).toEqual({ placed: 30, confirmed: 24 });
  });

  it("gives no p95 for an endpoint that served nothing in the interval, and survives a counter reset", () => {
    const previous = scrape({ pending: 0, placed: 50, confirmed: 50, fast: 20, slow: 0 });
    const idle = deriveSeries({ service: "orders", current: previous, previous, elapsedSeconds: 5 });
    expect(idle.some((p) => p.chart === "rpc_p95_ms")).toBe(false);
    expect(idle.filter((p) => p.chart === "orders_per_minute").map((p) => p.value)).toEqual([0, 0]);
    // The process restarted: its counters start again from zero, so all of them are new.
    const restarted = scrape({ pending: 0, placed: 3, confirmed: 2, fast: 4, slow: 0 });
    const after = deriveSeries({ service: "orders", current: restarted, previous, elapsedSeconds: 60 });
    const placed = after.find((p) => p.chart === "orders_per_minute" && p.labels.outcome === "placed");
    expect(placed?.value).toBe(3);
    expect(after.find((p) => p.chart === "rpc_p95_ms")?.value).toBeCloseTo(9.75, 6);
  });
});
