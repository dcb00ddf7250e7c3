import { setTimeout as delay } from "node:timers/promises";
import { type Fault, recordFault } from "./fault.js";

export interface InstanceOutageOptions {
  /** The service one of whose instances goes down (its last instance: `payments-1` of two). */
  readonly service: string;
  readonly downMs: number;
  /** Where in the load it goes down, as a fraction of the load's length (default a quarter in). */
  readonly at?: number;
}

/**
 * `instanceOutage` SIGKILLs one instance of a service mid-load and keeps it down for `downMs`, then
 * starts it again (it waits for its old partition leases to expire). With several instances, the orders
 * whose partitions the others own should keep flowing meanwhile; the report measures the share that did
 * (`measuresFlow`). With one instance, the service is simply down: the baseline.
 */
export function instanceOutage(options: InstanceOutageOptions): Fault {
  return {
    name: "instance-outage",
    description: `SIGKILL one instance of ${options.service} mid-load, ${options.downMs / 1000} s down, then restart`,
    measuresFlow: true,
    async inject(context) {
      const target = context.system.instances(options.service).at(-1) ?? options.service;
      await delay(context.loadMs * (options.at ?? 0.25));
      const proc = context.system.process(target);
      recordFault(context, { fault: "instance-down", action: "start", target, detail: `pid ${proc.pid}` });
      await proc.kill();
      await delay(options.downMs);
      await proc.start();
      recordFault(context, { fault: "instance-down", action: "heal", target });
    },
  };
}
