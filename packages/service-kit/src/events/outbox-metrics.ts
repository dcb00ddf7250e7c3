import { Counter, Gauge, type Registry } from "prom-client";

/** What the outbox gauges read on each scrape. */
export interface OutboxGaugeSource {
  pending(): { n: number; oldest: number | null };
  parked(): number;
  backPressure(): boolean;
}

export interface OutboxMetrics {
  readonly published: Counter;
  readonly publishErrors: Counter;
  readonly backPressure: Counter;
  readonly parked: Counter<"reason">;
}

/**
 * `createOutboxMetrics` registers the relay's gauges (read on scrape) and counters. Alert on
 * `bazaar_outbox_back_pressure == 1` or a growing `bazaar_outbox_oldest_pending_age_seconds` (a stream
 * is full and events wait), and on `bazaar_outbox_parked > 0` (an event JetStream can never accept as it is).
 */
export function createOutboxMetrics(registry: Registry, source: OutboxGaugeSource): OutboxMetrics {
  new Gauge({
    name: "bazaar_outbox_pending",
    help: "Events committed but not yet acknowledged by JetStream (parked ones excluded).",
    registers: [registry],
    collect() {
      this.set(source.pending().n);
    },
  });
  new Gauge({
    name: "bazaar_outbox_oldest_pending_age_seconds",
    help: "Age of the oldest unpublished event (0 when none).",
    registers: [registry],
    collect() {
      const { oldest } = source.pending();
      this.set(oldest ? (Date.now() - oldest) / 1000 : 0);
    },
  });
  new Gauge({
    name: "bazaar_outbox_parked",
    help: "Events parked because JetStream can never accept them as they are (no stream captures the subject, or too large).",
    registers: [registry],
    collect() {
      this.set(source.parked());
    },
  });
  new Gauge({
    name: "bazaar_outbox_back_pressure",
    help: "1 while a full stream refuses this service's events (they wait in the outbox), else 0.",
    registers: [registry],
    collect() {
      this.set(source.backPressure() ? 1 : 0);
    },
  });
  return {
    published: new Counter({
      name: "bazaar_outbox_published_total",
      help: "Events published from the outbox.",
      registers: [registry],
    }),
    publishErrors: new Counter({
      name: "bazaar_outbox_publish_errors_total",
      help: "Failed outbox publish attempts.",
      registers: [registry],
    }),
    backPressure: new Counter({
      name: "bazaar_outbox_back_pressure_total",
      help: "Publishes refused because the stream or the server's store was full (the event waits).",
      registers: [registry],
    }),
    parked: new Counter({
      name: "bazaar_outbox_parked_total",
      help: "Events parked, by reason (a parked event is retried now and then, and re-parked if it still fails).",
      labelNames: ["reason"] as const,
      registers: [registry],
    }),
  };
}
