// A closed loop of `concurrency` payments.charge commands, each for a new order, routed to the owner of
// the order's partition as the kit's callers route them, for a fixed time, in its own process.
import { randomUUID } from "node:crypto";
import { partitionSubject, payments } from "@bazaar/contracts";
import { partitionOf } from "@bazaar/service-kit/platform";
import { connect, headers } from "@nats-io/transport-node";
import { LatencyHistogram } from "../stats/stats.js";
import { MEASURING, workerConfig } from "./worker.js";

export interface ChargeLoadConfig {
  readonly servers: string;
  readonly user: string;
  readonly pass: string;
  readonly partitions: number;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface ChargeLoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
}

const config = workerConfig<ChargeLoadConfig>();
const nc = await connect({
  servers: config.servers,
  user: config.user,
  pass: config.pass,
  noAsyncTraces: true,
});
const encoder = new TextEncoder();

let histogram = new LatencyHistogram();
let errors = 0;
let measuring = false;
let stop = false;

async function loop(): Promise<void> {
  while (!stop) {
    const orderId = randomUUID();
    const subject =
      config.partitions > 1
        ? partitionSubject(payments.charge, partitionOf({ key: orderId, partitions: config.partitions }))
        : payments.charge.subject;
    const h = headers();
    h.set("Bazaar-Caller", "bench");
    h.set("Bazaar-Timeout-Ms", "10000");
    h.set("Idempotency-Key", orderId);
    const body = encoder.encode(
      JSON.stringify({
        orderId,
        userId: "bench-user",
        amountCents: 100,
        currency: "USD",
        paymentMethod: { token: "tok_visa" },
      }),
    );
    const started = performance.now();
    try {
      const reply = await nc.request(subject, body, { timeout: 10_000, headers: h });
      if (reply.headers?.get("Nats-Service-Error-Code") || reply.headers?.get("Bazaar-Error-Code"))
        throw new Error(reply.string());
      if (measuring) histogram.record(performance.now() - started);
    } catch {
      if (measuring) errors++;
    }
  }
}

const loops = Array.from({ length: config.concurrency }, () => loop());
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
await nc.close();
const result: ChargeLoadResult = {
  requestsPerSecond: Math.round(histogram.count / seconds),
  p50Ms: histogram.percentile(50),
  p99Ms: histogram.percentile(99),
  requests: histogram.count,
  errors,
};
console.log(JSON.stringify(result));
