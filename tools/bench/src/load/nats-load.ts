// A closed loop of `concurrency` nats.js requests for a fixed time, in its own process.
import { connect, headers } from "@nats-io/transport-node";
import { LatencyHistogram } from "../stats/stats.js";
import { MEASURING, workerConfig } from "./worker.js";

export interface NatsLoadConfig {
  readonly servers: string;
  readonly user: string;
  readonly pass: string;
  readonly subject: string;
  readonly body: string;
  /** Headers sent with every request (the kit's caller name, say). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export interface NatsLoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
}

const config = workerConfig<NatsLoadConfig>();
const nc = await connect({
  servers: config.servers,
  user: config.user,
  pass: config.pass,
  noAsyncTraces: true,
});
const payload = new TextEncoder().encode(config.body);
const h = headers();
for (const [k, v] of Object.entries(config.headers ?? {})) h.set(k, v);

let histogram = new LatencyHistogram();
let errors = 0;
let measuring = false;
let stop = false;

async function loop(): Promise<void> {
  while (!stop) {
    const started = performance.now();
    try {
      const reply = await nc.request(config.subject, payload, { timeout: 5_000, headers: h });
      // The kit marks an error reply with either header; the raw responder answers `{"error": …}`.
      const failed =
        reply.headers?.get("Nats-Service-Error-Code") ||
        reply.headers?.get("Bazaar-Error-Code") ||
        reply.data[2] === 0x65; /* `{"e` */
      if (failed) throw new Error(reply.string());
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
const result: NatsLoadResult = {
  requestsPerSecond: Math.round(histogram.count / seconds),
  p50Ms: histogram.percentile(50),
  p99Ms: histogram.percentile(99),
  requests: histogram.count,
  errors,
};
console.log(JSON.stringify(result));
