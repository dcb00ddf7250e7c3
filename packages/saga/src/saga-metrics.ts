import { Counter, Gauge, type ServiceMetrics } from "@bazaar/service-kit/platform";

/** What the engine reports to the service's metrics registry. */
export interface SagaMetrics {
  /** Unfinished, due sagas that nothing was driving at the last sweep (the sweep then resumed them). */
  readonly undriven: Gauge;
  /** Runs whose loop threw. */
  readonly crashes: Counter;
}

/**
 * `sagaMetrics` registers the saga gauges: sagas by state (read from the store at scrape time), stuck ones
 * (their loop keeps throwing), undriven ones, and crashes. `counts` is the engine's `counts()`.
 */
export function sagaMetrics(options: {
  readonly registry: ServiceMetrics["registry"];
  readonly type: string;
  readonly counts: () => Record<"running" | "compensating" | "waiting" | "attention" | "stuck", number>;
}): SagaMetrics {
  const { registry, type, counts } = options;
  new Gauge({
    name: "bazaar_sagas",
    help: "Unfinished sagas by state: running, compensating, waiting (to retry by itself), attention (parked for an operator), stuck (its loop keeps throwing).",
    labelNames: ["type", "state"],
    registers: [registry],
    collect() {
      for (const [state, value] of Object.entries(counts())) this.set({ type, state }, value);
    },
  });
  return {
    undriven: new Gauge({
      name: "bazaar_saga_undriven",
      help: "Unfinished sagas that nothing was driving at the last sweep (resumed by it).",
      registers: [registry],
    }),
    crashes: new Counter({
      name: "bazaar_saga_crashes_total",
      help: "Saga runs whose loop threw (a storage error, a hook that throws); the sweep resumes them.",
      registers: [registry],
    }),
  };
}
