import { cardProcessor } from "./card-processor.js";
import { paymentsService } from "./declaration.js";
import { startReconciliation } from "./reconciliation.js";
import { charge } from "./rpc/charge.js";
import { getPayment } from "./rpc/get-payment.js";
import { refund } from "./rpc/refund.js";

/** The payments service: what it serves (it consumes no events), and the reconciliation of charges in doubt. */
export const service = paymentsService.define({
  serves: [charge, refund, getPayment],
  setup: (runtime) => {
    const { PAYMENT_LATENCY_MS, NODE_ENV, PAYMENT_RECONCILE_INTERVAL_MS, PAYMENT_RECONCILE_WINDOW_MS } =
      runtime.config;
    const processor = cardProcessor(runtime);
    if (processor.name === "simulated" && NODE_ENV === "production")
      runtime.log.warn("the simulated card processor is charging cards: no money moves");
    runtime.log.info({ processor: processor.name, latencyMs: PAYMENT_LATENCY_MS }, "card processor ready");
    const log = runtime.log.child({ component: "reconciliation" });
    const reconciliation = startReconciliation({
      deps: {
        db: runtime.db,
        transaction: runtime.transaction,
        processor,
        log,
        windowMs: PAYMENT_RECONCILE_WINDOW_MS,
      },
      intervalMs: PAYMENT_RECONCILE_INTERVAL_MS,
      registry: runtime.metrics.registry,
    });
    log.info(
      { intervalMs: PAYMENT_RECONCILE_INTERVAL_MS, windowMs: PAYMENT_RECONCILE_WINDOW_MS },
      "reconciliation of charges in doubt started",
    );
    return { processor, reconciliation };
  },
  onStop: (_runtime, deps) => deps.reconciliation.stop(),
});
