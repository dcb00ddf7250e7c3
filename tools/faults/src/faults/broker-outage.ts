import { setTimeout as delay } from "node:timers/promises";
import { type Fault, recordFault } from "./fault.js";

export interface BrokerOutageOptions {
  /** How long the broker stays down. */
  readonly downMs: number;
  /** When in the load it goes down, as a fraction of the load's length. */
  readonly at?: number;
  /** Named in the report, e.g. "beyond the duplicate window". */
  readonly label?: string;
}

/**
 * `brokerOutage` SIGKILLs nats-server mid-load and starts it again on the same port and store after
 * `downMs`: a short one is a broker crash, a long one an outage that outlasts retries, step budgets and
 * (past the streams' 10-minute duplicate window) the broker's own dedupe of the outboxes' republishes.
 */
export function brokerOutage(options: BrokerOutageOptions): Fault {
  return {
    name: options.label ?? "broker-outage",
    description: `SIGKILL nats-server mid-load, ${Math.round(options.downMs / 1000)} s down, then restart`,
    async inject(context) {
      await delay(context.loadMs * (options.at ?? 0.3));
      const node = context.system.broker.nodes[0];
      if (!node) throw new Error("no broker node");
      recordFault(context, { fault: "nats-kill", action: "start", target: node.name });
      await node.kill();
      await delay(options.downMs);
      await node.start();
      recordFault(context, { fault: "nats-kill", action: "heal", target: node.name });
    },
  };
}
