import { Gauge, type Registry } from "prom-client";
import type { DeadLetterStats, DeadLetters } from "./dead-letters.js";

export interface DeadLetterMetricsOptions {
  readonly registry: Registry;
  readonly deadLetters: DeadLetters;
  /** The service whose dead letters are measured (`dlq.<service>.>`). */
  readonly service: string;
}

/**
 * `registerDeadLetterMetrics` exports how many dead letters this service's consumers left and how old
 * the oldest is. Dead letters are kept until an operator replays or discards them, so alert on the age:
 * a growing `bazaar_dead_letter_oldest_age_seconds` is an event nobody has looked at.
 */
export function registerDeadLetterMetrics(o: DeadLetterMetricsOptions): void {
  // Both gauges are collected in the same scrape: one look-up serves both.
  let cached: { at: number; stats: Promise<DeadLetterStats | undefined> } | undefined;
  const stats = (): Promise<DeadLetterStats | undefined> => {
    const now = Date.now();
    if (!cached || now - cached.at > 1000) {
      cached = { at: now, stats: o.deadLetters.stats({ service: o.service }).catch(() => undefined) };
    }
    return cached.stats;
  };
  new Gauge({
    name: "bazaar_dead_letters",
    help: "Dead letters this service's consumers left, waiting for an operator to replay or discard them.",
    registers: [o.registry],
    async collect() {
      const s = await stats();
      if (s) this.set(s.count);
    },
  });
  new Gauge({
    name: "bazaar_dead_letter_oldest_age_seconds",
    help: "Age of this service's oldest dead letter (0 when none).",
    registers: [o.registry],
    async collect() {
      const s = await stats();
      if (s) this.set(s.oldestAt ? Math.max(0, (Date.now() - s.oldestAt.getTime()) / 1000) : 0);
    },
  });
}
