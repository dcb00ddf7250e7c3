// The order flow through the public API, in its own process: `clients` customers, each in a closed loop
// placing an order and polling the read model (`GET /api/my-orders?limit=1`) until that order shows as
// confirmed. Saga latency is from sending the POST to seeing it confirmed there.
import { randomUUID } from "node:crypto";
import { LatencyHistogram } from "../stats/stats.js";
import { call as callAt } from "./customers.js";
import { MEASURING, workerConfig } from "./worker.js";

export interface OrderLoadConfig {
  readonly gatewayUrl: string;
  readonly clients: number;
  readonly sku: string;
  readonly warmupMs: number;
  readonly durationMs: number;
  /** How often a client polls the read model while it waits. */
  readonly pollMs: number;
  /** One signed-in customer's access token per client (see `customers`). */
  readonly tokens: readonly string[];
}

export interface OrderLoadResult {
  readonly ordersPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly orders: number;
  readonly errors: number;
}

const config = workerConfig<OrderLoadConfig>();
const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  callAt(config.gatewayUrl, method, path, body, headers);
const ADDRESS = {
  name: "Bench Customer",
  line1: "1 Bench Street",
  city: "London",
  postalCode: "N1 1AA",
  country: "GB",
};

let histogram = new LatencyHistogram();
let errors = 0;
let measuring = false;
let stop = false;

async function client(token: string): Promise<void> {
  const auth = { authorization: `Bearer ${token}` };
  while (!stop) {
    const started = performance.now();
    const wasMeasuring = measuring;
    try {
      const placed = await call(
        "POST",
        "/api/orders",
        {
          items: [{ sku: config.sku, quantity: 1 }],
          shippingAddress: ADDRESS,
          paymentMethod: { token: "tok_visa" },
        },
        { ...auth, "Idempotency-Key": randomUUID() },
      );
      if (placed.status !== 202) throw new Error(`place: HTTP ${placed.status}`);
      const orderId = (placed.body as { orderId: string }).orderId;
      const deadline = started + 30_000;
      for (;;) {
        const mine = await call("GET", "/api/my-orders?limit=1", undefined, auth);
        const top = (mine.body as { items?: Array<{ orderId: string; status: string }> } | undefined)
          ?.items?.[0];
        if (top?.orderId === orderId && top.status === "confirmed") break;
        if (top?.orderId === orderId && top.status === "cancelled") throw new Error("cancelled");
        if (performance.now() > deadline) throw new Error("not confirmed within 30 s");
        await new Promise((r) => setTimeout(r, config.pollMs));
      }
      // An order counts only when it was both started and finished inside the measured window.
      if (wasMeasuring && measuring) histogram.record(performance.now() - started);
    } catch {
      if (measuring) errors++;
    }
  }
}

const tokens = config.tokens.slice(0, config.clients);
const loops = tokens.map((t) => client(t));
await new Promise((r) => setTimeout(r, config.warmupMs));
histogram = new LatencyHistogram();
measuring = true;
console.log(MEASURING);
const from = performance.now();
await new Promise((r) => setTimeout(r, config.durationMs));
measuring = false;
const seconds = (performance.now() - from) / 1000;
stop = true;
await Promise.all(loops);
const result: OrderLoadResult = {
  ordersPerSecond: Math.round((histogram.count / seconds) * 10) / 10,
  p50Ms: histogram.percentile(50),
  p99Ms: histogram.percentile(99),
  orders: histogram.count,
  errors,
};
console.log(JSON.stringify(result));
