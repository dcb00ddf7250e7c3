import { setTimeout as delay } from "node:timers/promises";
import { type Fault, recordFault } from "./fault.js";

export interface KillServicesOptions {
  /** Only these services (default: every service of the topology, the gateway included). */
  readonly only?: readonly string[];
  /** How long each stays down before it is restarted. */
  readonly downMs: number;
}

/**
 * `killServices` SIGKILLs each service (each instance of a partitioned one) in turn mid-load (its whole process group: nothing is flushed,
 * no shutdown hook runs), leaves it down for a moment, and starts it again from its folder on the same
 * port and data. The kills are spread evenly over the load.
 */
export function killServices(options: KillServicesOptions): Fault {
  return {
    name: "kill-services",
    description: `SIGKILL each service in turn mid-load, ${options.downMs} ms down, then restart`,
    async inject(context) {
      // Every process: each instance of a service that runs several.
      const targets = context.system.services
        .filter((s) => !options.only || options.only.includes(s.name))
        .flatMap((s) => context.system.instances(s.name));
      const spacing = context.loadMs / (targets.length + 1);
      for (const target of targets) {
        await delay(spacing - options.downMs);
        const proc = context.system.process(target);
        recordFault(context, { fault: "kill", action: "start", target, detail: `pid ${proc.pid}` });
        await proc.kill();
        await delay(options.downMs);
        await proc.start();
        recordFault(context, { fault: "kill", action: "heal", target });
      }
    },
  };
}
