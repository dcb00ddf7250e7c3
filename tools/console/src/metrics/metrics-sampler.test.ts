import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMetricsSampler } from "./metrics-sampler.js";

// A real HTTP server standing in for a service's /metrics: its text changes between scrapes.
let server: Server;
let base = "";
let pending = 0;
let processed = 0;
let up = true;

const metricText = () =>
  [
    "# HELP bazaar_outbox_pending Events committed and not yet published.",
    "# TYPE bazaar_outbox_pending gauge",
    `bazaar_outbox_pending{service="orders",instance="orders-1"} ${pending}`,
    "# TYPE bazaar_consumer_processed_total counter",
    `bazaar_consumer_processed_total{consumer="notifications__order-confirmed-v1",service="orders",instance="orders-1"} ${processed}`,
    "",
  ].join("\n");

beforeAll(async () => {
  server = createServer((req, res) => {
    if (!up || req.url !== "/metrics") {
      res.writeHead(up ? 404 : 503).end();
      return;
    }
    res.writeHead(200, { "content-type": "text/plain; version=0.0.4" }).end(metricText());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => {
  server?.close();
});

describe("createMetricsSampler", () => {
  it("keeps each series' history, rates from consecutive scrapes, and a bounded window", async () => {
    let clock = 1_000_000;
    const sampler = createMetricsSampler({
      urls: { orders: `${base}/metrics` },
      intervalMs: 1000,
      windowMs: 3000,
      now: () => clock,
    });
    for (const [p, n] of [
      [1, 10],
      [4, 12],
      [2, 15],
      [0, 15],
      [7, 21],
    ]) {
      pending = p ?? 0;
      processed = n ?? 0;
      await sampler.sample();
      clock += 1000;
    }
    const history = sampler.history();
    const outbox = history.series.find((s) => s.chart === "outbox_pending");
    // Five scrapes, a window of 3 s: the oldest one is gone.
    expect(outbox?.points).toEqual([
      [1_001_000, 4],
      [1_002_000, 2],
      [1_003_000, 0],
      [1_004_000, 7],
    ]);
    const confirmed = history.series.find((s) => s.chart === "orders_per_minute");
    expect(confirmed?.labels).toEqual({ outcome: "confirmed" });
    expect(confirmed?.points.map(([, v]) => v)).toEqual([120, 180, 0, 360]);
    expect(history.sources.orders).toMatchObject({ lastError: null, lastSuccessAt: 1_004_000 });
  });

  it("reports a service that stops answering, keeps its history, and recovers", async () => {
    let clock = 5_000_000;
    const sampler = createMetricsSampler({
      urls: { orders: `${base}/metrics`, nowhere: "http://127.0.0.1:9/metrics" },
      intervalMs: 1000,
      now: () => clock,
    });
    await sampler.sample();
    expect(sampler.history().sources.nowhere?.lastError).toBeTruthy();
    expect(sampler.history().sources.nowhere?.lastSuccessAt).toBeNull();
    up = false;
    clock += 1000;
    await sampler.sample();
    const down = sampler.history();
    expect(down.sources.orders).toMatchObject({ lastError: "HTTP 503", lastSuccessAt: 5_000_000 });
    expect(down.series.find((s) => s.chart === "outbox_pending")?.points).toHaveLength(1);
    up = true;
    clock += 1000;
    await sampler.sample();
    expect(sampler.history().sources.orders?.lastError).toBeNull();
    expect(sampler.history().series.find((s) => s.chart === "outbox_pending")?.points).toHaveLength(2);
  });

  it("runs one round at a time, and its timer samples until stopped", async () => {
    const sampler = createMetricsSampler({ urls: { orders: `${base}/metrics` }, intervalMs: 50 });
    const first = sampler.sample();
    expect(sampler.sample()).toBe(first);
    await first;
    sampler.start();
    await new Promise((r) => setTimeout(r, 300));
    sampler.stop();
    const count = sampler.history().series.find((s) => s.chart === "outbox_pending")?.points.length ?? 0;
    expect(count).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(sampler.history().series.find((s) => s.chart === "outbox_pending")?.points.length).toBe(count);
  });
});
