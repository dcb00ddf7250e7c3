import { inventory, orders, payments, shipping } from "@bazaar/contracts";
import { sagaSchema } from "@bazaar/saga";
import { declareService, type Emitter, intVar, type Queryable } from "@bazaar/service-kit";
import { schema } from "./db/schema.js";
import type { OrderSagaEngine } from "./order-sagas.js";

/** What orders owns, calls and emits: its single source of truth. */
const declaration = declareService({
  name: "orders",
  version: "1.0.0",
  description:
    "Places orders and runs the durable order saga: reserve stock, charge, ship; compensate in reverse",
  store: { schema, migrations: new URL("../drizzle", import.meta.url), modules: [sagaSchema] },
  // By order id: an order, its saga and its events commit together in its partition's file. A new
  // order's partition is its user's idempotency key's, and its ids are drawn there (see placeOrder).
  partitioned: true,
  calls: [
    inventory.quote,
    inventory.reserve,
    inventory.release,
    inventory.commit,
    payments.charge,
    payments.refund,
    shipping.createShipment,
    shipping.cancelShipment,
  ],
  emits: [
    orders.orderPlaced,
    orders.orderConfirmed,
    orders.orderCancelled,
    orders.orderRequiresAttention,
    orders.opsAlert,
  ],
  config: {
    /** First retry delay of a transient step failure; doubles per attempt up to the max. */
    SAGA_RETRY_BASE_MS: intVar(250, 1, 60_000),
    SAGA_RETRY_MAX_MS: intVar(5_000, 1, 10 * 60_000),
    /** How long a step keeps retrying transient failures before it counts as failed (and is compensated). */
    SAGA_STEP_BUDGET_MS: intVar(30_000, 1, 24 * 60 * 60_000),
    /** A compensation is retried at least this many times, and for at least the budget, before the order needs an operator. */
    SAGA_COMPENSATION_ATTEMPTS: intVar(6, 1, 100),
    SAGA_COMPENSATION_BUDGET_MS: intVar(60_000, 0, 24 * 60 * 60_000),
    /**
     * Before a saga needs an operator (a compensation kept failing, a step past the pivot stayed
     * unavailable) it retries by itself this many rounds, waiting from the base to the max between them.
     */
    SAGA_AUTO_RETRIES: intVar(6, 0, 100),
    SAGA_AUTO_RETRY_BASE_MS: intVar(60_000, 1, 24 * 60 * 60_000),
    SAGA_AUTO_RETRY_MAX_MS: intVar(30 * 60_000, 1, 24 * 60 * 60_000),
    /** Sagas resumed, swept or retried in bulk at once (new orders start at once). */
    SAGA_CONCURRENCY: intVar(8, 1, 1_000),
    /** How often sagas that nothing drives are resumed and finished waits end. */
    SAGA_SWEEP_INTERVAL_MS: intVar(10_000, 100, 60 * 60_000),
  },
});

export type OrdersDb = Queryable<typeof schema>;
export type OrdersOutbox = Emitter<(typeof declaration.emits)[number]>;

/** What every orders handler shares (`ctx.deps`), made once per running instance by `setup`. */
export interface OrdersDeps {
  readonly sagas: OrderSagaEngine;
}

export const ordersService = declaration.withDeps<OrdersDeps>();
