import { Counter, Gauge, type Registry } from "prom-client";

/** What the metrics need from a consumer: its name, its lag as JetStream reports it, and its state. */
export interface MeasuredConsumer {
  readonly name: string;
  lag(): Promise<{ pending: number; ackPending: number; redelivered: number } | undefined>;
  status(): { readonly running: boolean; readonly paused: boolean };
}

export interface ConsumerMetrics {
  readonly processed: Counter<"consumer">;
  readonly failed: Counter<"consumer">;
  readonly retried: Counter<"consumer">;
  readonly duplicates: Counter<"consumer">;
  readonly deadLettered: Counter<"consumer">;
  /** Consumption paused because the service's storage failed (full, read-only, I/O, busy), by SQLite code. */
  readonly storagePauses: Counter<"consumer" | "code">;
  /** Stream messages that aged out before the consumer read them (an upper bound of its lost events). */
  readonly lost: Counter<"consumer">;
}

/** `createConsumerMetrics` registers the per-consumer counters and the lag gauges (read from JetStream on scrape). */
export function createConsumerMetrics(
  registry: Registry,
  consumers: () => readonly MeasuredConsumer[],
): ConsumerMetrics {
  const counter = (name: string, help: string): Counter<"consumer"> =>
    new Counter({ name, help, labelNames: ["consumer"] as const, registers: [registry] });
  const lagGauge = (
    name: string,
    help: string,
    pick: (l: { pending: number; ackPending: number; redelivered: number }) => number,
  ): void => {
    new Gauge({
      name,
      help,
      labelNames: ["consumer"] as const,
      registers: [registry],
      async collect() {
        for (const c of consumers()) {
          const lag = await c.lag();
          if (lag) this.set({ consumer: c.name }, pick(lag));
        }
      },
    });
  };
  lagGauge(
    "bazaar_consumer_pending",
    "Messages in the stream this consumer has not been delivered yet (lag).",
    (l) => l.pending,
  );
  lagGauge(
    "bazaar_consumer_ack_pending",
    "Messages delivered to this consumer and not yet acknowledged.",
    (l) => l.ackPending,
  );
  new Gauge({
    name: "bazaar_consumer_paused",
    help: "1 while this consumer is paused (readiness failed, or its storage failed), else 0.",
    labelNames: ["consumer"] as const,
    registers: [registry],
    collect() {
      for (const c of consumers()) this.set({ consumer: c.name }, c.status().paused ? 1 : 0);
    },
  });
  return {
    processed: counter("bazaar_consumer_processed_total", "Events applied."),
    failed: counter("bazaar_consumer_failed_total", "Event deliveries that failed (validation or handler)."),
    retried: counter("bazaar_consumer_retried_total", "Failed deliveries scheduled for retry with backoff."),
    duplicates: counter(
      "bazaar_consumer_duplicates_total",
      "Events skipped because the inbox shows them applied already.",
    ),
    deadLettered: counter("bazaar_consumer_dead_lettered_total", "Events moved to the dead-letter stream."),
    storagePauses: new Counter({
      name: "bazaar_consumer_storage_pauses_total",
      help: "Times consumption paused because SQLite failed for a reason that is not the event's (full, read-only, I/O, busy).",
      labelNames: ["consumer", "code"] as const,
      registers: [registry],
    }),
    lost: counter(
      "bazaar_consumer_lost_events_total",
      "Stream messages that aged out before this consumer read them (an upper bound of the events it lost).",
    ),
  };
}
