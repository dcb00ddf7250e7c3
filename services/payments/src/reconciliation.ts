import { Counter, Gauge, type ServiceMetrics } from "@bazaar/service-kit";
import { doubtStats, openDoubts } from "./charges-in-doubt.js";
import { withOrderLock } from "./order-lock.js";
import { type RefundDeps, refundOrder } from "./refund-order.js";

/** Doubts looked at per pass; the longest unchecked come first, so the rest wait one interval. */
const BATCH = 100;

export interface ReconciliationOptions {
  readonly deps: RefundDeps;
  readonly intervalMs: number;
  /** Where the doubt metrics are registered (the service's registry). */
  readonly registry: ServiceMetrics["registry"];
}

export interface Reconciliation {
  /** Waits for a pass in progress, then runs no more. */
  stop(): Promise<void>;
}

/**
 * `startReconciliation` settles charges in doubt every `intervalMs`: each is asked about again at the
 * processor (through `refundOrder`, under the order's lock, exactly as a repeated refund would be). A
 * charge the processor reports is recorded and refunded at once; one it still does not know once its
 * idempotency window has passed is recorded as no money moved. A failure (the processor is down, a refund
 * fails) is logged and counted, and the doubt is tried again on the next pass.
 */
export function startReconciliation(options: ReconciliationOptions): Reconciliation {
  const { deps, intervalMs, registry } = options;
  const failures = registerDoubtMetrics(deps, registry);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  async function pass(): Promise<void> {
    for (const doubt of openDoubts(deps.db, BATCH)) {
      if (stopped) return;
      try {
        await withOrderLock(doubt.orderId, () => refundOrder(deps, doubt.orderId, doubt.reason ?? undefined));
      } catch (err) {
        failures.inc();
        deps.log.warn(
          { err, orderId: doubt.orderId },
          "reconciliation could not settle a charge in doubt; it is tried again on the next pass",
        );
      }
    }
  }

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = pass()
        .catch((err: unknown) => deps.log.error({ err }, "reconciliation pass failed"))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, intervalMs);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

/** The doubt gauges read the table (so they survive restarts); the failure counter is this process's. */
function registerDoubtMetrics(deps: RefundDeps, registry: ServiceMetrics["registry"]): Counter {
  const stats = () => doubtStats(deps.db);
  new Gauge({
    name: "bazaar_payments_charges_in_doubt",
    help: "Charges whose outcome the processor did not know when their order was refunded, not settled yet.",
    registers: [registry],
    collect() {
      this.set(stats().open);
    },
  });
  new Gauge({
    name: "bazaar_payments_charge_in_doubt_oldest_seconds",
    help: "Age of the oldest charge in doubt (0 when none).",
    registers: [registry],
    collect() {
      const { oldestSince } = stats();
      this.set(oldestSince ? Math.max(0, (Date.now() - Date.parse(oldestSince)) / 1000) : 0);
    },
  });
  new Gauge({
    name: "bazaar_payments_charges_in_doubt_settled",
    help: "Charges in doubt settled, by outcome: refunded (it had landed) or not_charged (no money moved).",
    labelNames: ["outcome"] as const,
    registers: [registry],
    collect() {
      const { resolved } = stats();
      for (const [outcome, n] of Object.entries(resolved)) this.set({ outcome }, n);
    },
  });
  return new Counter({
    name: "bazaar_payments_reconcile_failures_total",
    help: "Attempts to settle a charge in doubt that failed (retried on the next pass).",
    registers: [registry],
  });
}
