import { payments } from "@bazaar/contracts";
import {
  type ConfigFor,
  declareService,
  type Emitter,
  enumVar,
  intVar,
  type Queryable,
  type TransactionFn,
} from "@bazaar/service-kit";
import type { CardProcessor } from "./card-processor.js";
import { schema } from "./db/schema.js";
import type { Reconciliation } from "./reconciliation.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** What payments owns, emits and needs: its single source of truth. */
const declaration = declareService({
  name: "payments",
  version: "1.0.0",
  description: "Charges and refunds per order through a card processor (simulated by default)",
  store: { schema, migrations: new URL("../drizzle", import.meta.url) },
  /** One writer per partition of order ids (every call is about one order, and a refund finds its charge in the same file); see docs/scale-out.md. */
  partitioned: true,
  emits: [payments.paymentCompleted, payments.paymentFailed, payments.paymentRefunded],
  config: {
    /** The card processor: only the simulator exists so far; a real adapter adds its name here. */
    PAYMENT_PROVIDER: enumVar(["simulated"], "simulated"),
    /** Latency the simulated processor adds to every call, for demos and benchmarks. */
    PAYMENT_LATENCY_MS: intVar(0, 0, 60_000),
    /** How long after its lost answer a `tok_settlesLate` charge lands at the simulated processor. */
    PAYMENT_SETTLEMENT_DELAY_MS: intVar(5_000, 0, HOUR_MS),
    /** How often reconciliation asks the processor about charges in doubt. */
    PAYMENT_RECONCILE_INTERVAL_MS: intVar(60_000, 50, DAY_MS),
    /**
     * The processor's idempotency window: after it, a charge the processor does not know never went through
     * (providers keep keys for about a day). A charge in doubt is settled as "no money moved" only then.
     */
    PAYMENT_RECONCILE_WINDOW_MS: intVar(DAY_MS, 100, 30 * DAY_MS),
  },
  validateConfig: reconciliationProblems,
});

/**
 * `reconciliationProblems`: a simulated charge that lands after the window would be settled as "no money
 * moved" and then be taken anyway, so the simulator's settlement delay must stay inside the window.
 */
export function reconciliationProblems(config: {
  readonly PAYMENT_PROVIDER: string;
  readonly PAYMENT_SETTLEMENT_DELAY_MS: number;
  readonly PAYMENT_RECONCILE_WINDOW_MS: number;
}): string[] {
  if (
    config.PAYMENT_PROVIDER === "simulated" &&
    config.PAYMENT_SETTLEMENT_DELAY_MS >= config.PAYMENT_RECONCILE_WINDOW_MS
  )
    return ["PAYMENT_SETTLEMENT_DELAY_MS: must be shorter than PAYMENT_RECONCILE_WINDOW_MS"];
  return [];
}

export type PaymentsTx = Queryable<typeof schema>;
export type PaymentsOutbox = Emitter<(typeof declaration.emits)[number]>;
export type PaymentsTransaction = TransactionFn<typeof schema, (typeof declaration.emits)[number]>;
export type PaymentsConfig = ConfigFor<typeof declaration.config>;

/** What a running payments instance keeps (`ctx.deps`): its card processor and its reconciliation. */
export interface PaymentsDeps {
  readonly processor: CardProcessor;
  readonly reconciliation: Reconciliation;
}

export const paymentsService = declaration.withDeps<PaymentsDeps>();
