import type { Fault } from "./fault.js";

/**
 * `inSequence` composes faults into one: each gets an equal share of the load, one after the other, and
 * the system is started as all of them need (the largest broker, every setting).
 */
export function inSequence(name: string, faults: readonly Fault[]): Fault {
  const nodes = faults.some((f) => f.natsNodes === 3) ? 3 : 1;
  return {
    name,
    description: faults.map((f) => f.description).join("; then "),
    natsNodes: nodes,
    envFor(services) {
      const merged: Record<string, Record<string, string>> = {};
      for (const fault of faults) {
        for (const [service, env] of Object.entries(fault.envFor?.(services) ?? {}))
          merged[service] = { ...merged[service], ...env };
      }
      return merged;
    },
    async inject(context) {
      const share = context.loadMs / faults.length;
      for (const fault of faults) {
        const started = Date.now();
        await fault.inject({ ...context, loadMs: share });
        const left = share - (Date.now() - started);
        if (left > 0) await new Promise((r) => setTimeout(r, left));
      }
    },
  };
}
