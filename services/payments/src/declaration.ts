import { payments as contracts } from "@bazaar/contracts";
import {
  type ConfigFor,
  declareService,
  type Emitter,
  enumVar,
  intVar,
  type Queryable,
} from "@bazaar/service-kit";
import { schema } from "./db/schema.js";

/** What payments owns, emits and needs: its single source of truth. */
export const payments = declareService({
  name: "payments",
  version: "1.0.0",
  description: "Charges and refunds per order through a card processor (simulated by default)",
  store: { schema, migrations: new URL("../drizzle", import.meta.url) },
  emits: [contracts.paymentCompleted, contracts.paymentFailed, contracts.paymentRefunded],
  config: {
    /** The card processor: only the simulator exists so far; a real adapter adds its name here. */
    PAYMENT_PROVIDER: enumVar(["simulated"], "simulated"),
    /** Latency the simulated processor adds to every call, for demos and benchmarks. */
    PAYMENT_LATENCY_MS: intVar(0, 0, 60_000),
  },
});

export type PaymentsTx = Queryable<typeof schema>;
export type PaymentsOutbox = Emitter<(typeof payments.emits)[number]>;
export type PaymentsConfig = ConfigFor<typeof payments.config>;
