// A closed loop of `concurrency` payments.charge commands, each for a new order, routed to the owner of
// the order's partition as the kit's callers route them, for a fixed time, in its own process.
import { randomUUID } from "node:crypto";
import { partitionSubject, payments } from "@bazaar/contracts";
import { partitionOf } from "@bazaar/service-kit/platform";
import { connect, headers } from "@nats-io/transport-node";
import { closedLoop } from "./closed-loop.js";
import { workerConfig } from "./worker.js";

export interface ChargeLoadConfig {
  readonly servers: string;
  readonly user: string;
  readonly pass: string;
  readonly partitions: number;
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
}

export type { ClosedLoopResult as ChargeLoadResult } from "./closed-loop.js";

const config = workerConfig<ChargeLoadConfig>();
const nc = await connect({
  servers: config.servers,
  user: config.user,
  pass: config.pass,
  noAsyncTraces: true,
});
const encoder = new TextEncoder();

const result = await closedLoop({
  concurrency: config.concurrency,
  warmupMs: config.warmupMs,
  durationMs: config.durationMs,
  request: async () => {
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
    const reply = await nc.request(subject, body, { timeout: 10_000, headers: h });
    if (reply.headers?.get("Nats-Service-Error-Code") || reply.headers?.get("Bazaar-Error-Code"))
      throw new Error(reply.string());
  },
});
await nc.close();
console.log(JSON.stringify(result));
