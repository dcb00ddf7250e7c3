import { setTimeout as delay } from "node:timers/promises";
import { FAKETIME_INSTALL, findFaketime, skewedClock } from "../system/faketime.js";
import { type Fault, recordFault } from "./fault.js";

export interface ClockSkewOptions {
  /** Each service's clock offset, in libfaketime's syntax: `{ payments: "+10s", orders: "-10s" }`. */
  readonly offsets: Readonly<Record<string, string>>;
}

/**
 * `clockSkew` sets some services' wall clocks apart, mid-load: at a quarter of the load each target is
 * restarted (gracefully, as a deploy would) with its clock `offset` away, and at three quarters restarted
 * again on the true time, so clocks jump forward and back under traffic. Needs libfaketime.
 */
export function clockSkew(options: ClockSkewOptions): Fault {
  return {
    name: "clock-skew",
    description: `clocks apart: ${Object.entries(options.offsets)
      .map(([s, o]) => `${s} ${o}`)
      .join(", ")}`,
    async inject(context) {
      const lib = findFaketime();
      if (!lib) throw new Error(`clock skew needs libfaketime: ${FAKETIME_INSTALL}`);
      const targets = Object.entries(options.offsets);
      await delay(context.loadMs * 0.25);
      for (const [name, offset] of targets) {
        const proc = context.system.process(name);
        recordFault(context, { fault: "clock-skew", action: "start", target: name, detail: offset });
        await proc.stop();
        await proc.start(skewedClock(lib, offset));
      }
      await delay(context.loadMs * 0.5);
      for (const [name] of targets) {
        const proc = context.system.process(name);
        await proc.stop();
        await proc.start();
        recordFault(context, { fault: "clock-skew", action: "heal", target: name });
      }
    },
  };
}
