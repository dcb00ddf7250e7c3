// Test support for in-process dispatch: a caller service and a broker-side sniffer of RPC subjects.
import type { RpcContract } from "@bazaar/contracts";
import { connect, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { greet } from "../example/greeter.js";
import {
  asyncBoom,
  badResponse,
  callGreeter,
  notFound,
  slow,
  syncBoom,
  traceInfo,
  whoami,
} from "../fixtures/lab-service.js";
import { declareService } from "../service/declare-service.js";
import type { RunningService } from "../service/start-service.js";

const prober = declareService({
  name: "prober",
  version: "0.1.0",
  description: "Calls the lab and the greeter from inside a service",
  calls: [whoami, asyncBoom, syncBoom, notFound, slow, badResponse, callGreeter, traceInfo, greet],
});

/** A service with no endpoints of its own that calls the lab and the greeter (`runtime.call`). */
export const proberService = prober.define({ serves: [] });

/** Counts every message the broker routes on some subjects, seen by a connection of its own. */
export interface Sniffer {
  /** Messages seen so far on `subject` (after a round trip to the broker). */
  seen(subject: string): Promise<number>;
  close(): Promise<void>;
}

/** `sniff` subscribes (as the test broker's operator: no credentials) to each contract's subject. */
export async function sniff(url: string, contracts: readonly RpcContract[]): Promise<Sniffer> {
  const nc: NatsConnection = await connect({ servers: url });
  const subs = new Map<string, Subscription>();
  for (const c of contracts) subs.set(c.subject, nc.subscribe(c.subject));
  await nc.flush();
  return {
    async seen(subject) {
      await nc.flush();
      return subs.get(subject)?.getReceived() ?? 0;
    },
    close: () => nc.close(),
  };
}

/** The value of one series of a counter in a service's registry (0 when absent). */
export async function counterValue(
  svc: RunningService,
  name: string,
  labels: Record<string, string>,
): Promise<number> {
  const metric = svc.runtime.metrics.registry.getSingleMetric(name);
  if (!metric) return 0;
  const { values } = await metric.get();
  const match = values.find((v) => Object.entries(labels).every(([k, want]) => v.labels[k] === want));
  return match?.value ?? 0;
}
