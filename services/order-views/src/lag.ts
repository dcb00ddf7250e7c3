import { consumerName, Gauge, type ReadinessCheck, type ServiceRuntime } from "@bazaar/service-kit/platform";
import { SOURCE_EVENTS } from "./declaration.js";

/** Events in the source streams that the read model has not applied yet, summed over its consumers. */
type Runtime = Pick<ServiceRuntime, "name" | "nats" | "metrics" | "partition">;

async function lag(runtime: Runtime): Promise<number> {
  let total = 0;
  for (const event of SOURCE_EVENTS) {
    try {
      const info = await runtime.nats.jsm.consumers.info(
        event.stream.name,
        consumerName(runtime.name, event, runtime.partition),
      );
      total += info.num_pending + info.num_ack_pending;
    } catch {
      // Not created yet: nothing consumed, nothing to count.
    }
  }
  return total;
}

/** The read model's lag, in readiness detail (informational: a lagging model still answers). */
export function lagCheck(runtime: Runtime): ReadinessCheck {
  const name = runtime.partition === undefined ? "lag" : `lag p${runtime.partition}`;
  return { name, local: false, timeoutMs: 2000, run: async () => ({ events: await lag(runtime) }) };
}

/** The same lag as a Prometheus gauge. */
export function registerLagMetric(runtime: Runtime): void {
  new Gauge({
    name: "bazaar_read_model_lag_events",
    help: "Events in the source streams the read model has not applied yet.",
    registers: [runtime.metrics.registry],
    async collect() {
      this.set(await lag(runtime));
    },
  });
}
