import { cardProcessor } from "./card-processor.js";
import { payments } from "./declaration.js";
import { charge } from "./rpc/charge.js";
import { getPayment } from "./rpc/get-payment.js";
import { refund } from "./rpc/refund.js";

/** The payments service: what it serves (it consumes no events). */
export const service = payments.define({
  serves: [charge, refund, getPayment],
  onStart: (runtime) => {
    const { PAYMENT_LATENCY_MS, NODE_ENV } = runtime.config;
    const processor = cardProcessor(runtime);
    if (processor.name === "simulated" && NODE_ENV === "production")
      runtime.log.warn("the simulated card processor is charging cards: no money moves");
    runtime.log.info({ processor: processor.name, latencyMs: PAYMENT_LATENCY_MS }, "card processor ready");
  },
});
