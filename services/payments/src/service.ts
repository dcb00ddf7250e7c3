import { cardProcessor } from "./card-processor.js";
import { payments } from "./declaration.js";
import { type Reconciliation, startReconciliation } from "./reconciliation.js";
import { charge } from "./rpc/charge.js";
import { getPayment } from "./rpc/get-payment.js";
import { refund } from "./rpc/refund.js";

// One reconciliation per running service (tests run several in one process), found again at stop.
const reconciliations = new WeakMap<object, Reconciliation>();

/** The payments service: what it serves (it consumes no events), and the reconciliation of charges in doubt. */
export const service = payments.define({
  serves: [charge, refund, getPayment],
  onStart: (runtime) => {
    const { PAYMENT_LATENCY_MS, NODE_ENV, PAYMENT_RECONCILE_INTERVAL_MS, PAYMENT_RECONCILE_WINDOW_MS } =
      runtime.config;
    const processor = cardProcessor(runtime);
    if (processor.name === "simulated" && NODE_ENV === "production")
      runtime.log.warn("the simulated card processor is charging cards: no money moves");
    runtime.log.info({ processor: processor.name, latencyMs: PAYMENT_LATENCY_MS }, "card processor ready");
    const log = runtime.log.child({ component: "reconciliation" });
    reconciliations.set(
      runtime,
      startReconciliation({
        deps: {
          db: runtime.db,
          transaction: runtime.transaction,
          processor,
          log,
          windowMs: PAYMENT_RECONCILE_WINDOW_MS,
        },
        intervalMs: PAYMENT_RECONCILE_INTERVAL_MS,
        registry: runtime.metrics.registry,
      }),
    );
    log.info(
      { intervalMs: PAYMENT_RECONCILE_INTERVAL_MS, windowMs: PAYMENT_RECONCILE_WINDOW_MS },
      "reconciliation of charges in doubt started",
    );
  },
  onStop: async (runtime) => {
    await reconciliations.get(runtime)?.stop();
  },
});
