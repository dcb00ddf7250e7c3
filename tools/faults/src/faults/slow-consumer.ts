import { setTimeout as delay } from "node:timers/promises";
import type { SystemUnderTest } from "@bazaar/system-harness";
import { jetstreamManager } from "@nats-io/jetstream";
import { type Fault, recordFault } from "./fault.js";

export interface SlowConsumerOptions {
  /** Services whose consumers are slowed (default: every service with a durable consumer, in turn). */
  readonly only?: readonly string[];
  /** The consumers' ack wait for the scenario (`CONSUMER_ACK_WAIT_MS`, at least 1000). */
  readonly ackWaitMs: number;
  /** Each stall, longer than the ack wait, and the run between two stalls. */
  readonly stallMs: number;
  readonly runMs: number;
  readonly stallsPerService: number;
}

/** The services that own a durable consumer, from the consumers' own metadata. */
async function consumingServices(system: SystemUnderTest): Promise<string[]> {
  const nc = await system.broker.connect("faults-consumers");
  try {
    const jsm = await jetstreamManager(nc, { timeout: 10_000 });
    const services = new Set<string>();
    for await (const stream of jsm.streams.list()) {
      for await (const c of jsm.consumers.list(stream.config.name)) {
        const owner = c.config.metadata?.service ?? c.name.split("__")[0];
        if (c.config.durable_name && owner) services.add(owner);
      }
    }
    return system.services.map((s) => s.name).filter((name) => services.has(name));
  } finally {
    await nc.close();
  }
}

/**
 * `slowConsumer` makes consumers slower than their ack wait, without a knob in the services: the
 * consuming process is stopped (SIGSTOP) for longer than the ack wait and then let go, a few times. The
 * messages it holds are redelivered while it has not acknowledged them, so it finds each of them twice
 * (the inbox must apply them once) and its acknowledgements arrive late.
 */
export function slowConsumer(options: SlowConsumerOptions): Fault {
  return {
    name: "slow-consumer",
    description: `consumers stall ${options.stallMs} ms at a time with a ${options.ackWaitMs} ms ack wait`,
    envFor: (services) =>
      Object.fromEntries(services.map((s) => [s.name, { CONSUMER_ACK_WAIT_MS: String(options.ackWaitMs) }])),
    async inject(context) {
      const targets = options.only ?? (await consumingServices(context.system));
      const per = options.stallsPerService * (options.stallMs + options.runMs);
      const spacing = Math.max(0, (context.loadMs - per * targets.length) / (targets.length + 1));
      for (const name of targets) {
        await delay(spacing);
        const proc = context.system.process(name);
        for (let i = 0; i < options.stallsPerService; i++) {
          recordFault(context, {
            fault: "stall",
            action: "start",
            target: name,
            detail: `${options.stallMs} ms`,
          });
          proc.freeze();
          await delay(options.stallMs);
          proc.thaw();
          recordFault(context, { fault: "stall", action: "heal", target: name });
          await delay(options.runMs);
        }
      }
    },
  };
}
