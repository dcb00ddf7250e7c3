// A closed loop of `concurrency` nats.js requests for a fixed time, in its own process.
import { connect, headers } from "@nats-io/transport-node";
import { closedLoop } from "./closed-loop.js";
import { workerConfig } from "./worker.js";

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

export type { ClosedLoopResult as NatsLoadResult } from "./closed-loop.js";

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

const result = await closedLoop({
  concurrency: config.concurrency,
  warmupMs: config.warmupMs,
  durationMs: config.durationMs,
  request: async () => {
    const reply = await nc.request(config.subject, payload, { timeout: 5_000, headers: h });
    // The kit marks an error reply with either header; the raw responder answers `{"error": …}`.
    const failed =
      reply.headers?.get("Nats-Service-Error-Code") ||
      reply.headers?.get("Bazaar-Error-Code") ||
      reply.data[2] === 0x65; /* `{"e` */
    if (failed) throw new Error(reply.string());
  },
});
await nc.close();
console.log(JSON.stringify(result));
