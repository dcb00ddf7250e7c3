import { SagaEngine } from "@bazaar/saga";
import type { ReadinessCheck, RuntimeOf } from "@bazaar/service-kit";
import type { OrdersDb, OrdersOutbox, ordersService } from "./declaration.js";
import { type OrderSagaData, orderSaga } from "./order-saga.js";

export type OrderSagaEngine = SagaEngine<OrderSagaData, OrdersDb, OrdersOutbox>;

/**
 * `startOrderSagas` is this instance's saga engine, configured from the environment. Unfinished sagas
 * continue from their last recorded step; the sweep keeps every one driven.
 */
export function startOrderSagas(runtime: RuntimeOf<typeof ordersService>): OrderSagaEngine {
  const { config } = runtime;
  if (!runtime.store) throw new Error("orders needs its store");
  const engine = new SagaEngine({
    sqlite: runtime.store.sqlite,
    transaction: runtime.transaction,
    definition: orderSaga(runtime.call),
    log: runtime.log.child({ component: "order-saga" }),
    registry: runtime.metrics.registry,
    telemetry: runtime.telemetry,
    concurrency: config.SAGA_CONCURRENCY,
    sweepIntervalMs: config.SAGA_SWEEP_INTERVAL_MS,
    retry: {
      baseDelayMs: config.SAGA_RETRY_BASE_MS,
      maxDelayMs: config.SAGA_RETRY_MAX_MS,
      stepBudgetMs: config.SAGA_STEP_BUDGET_MS,
      compensationAttempts: config.SAGA_COMPENSATION_ATTEMPTS,
      compensationBudgetMs: config.SAGA_COMPENSATION_BUDGET_MS,
      autoRetries: config.SAGA_AUTO_RETRIES,
      autoRetryBaseMs: config.SAGA_AUTO_RETRY_BASE_MS,
      autoRetryMaxMs: config.SAGA_AUTO_RETRY_MAX_MS,
    },
  });
  engine.resume();
  return engine;
}

/**
 * The sagas by state in readiness detail: informational (an order waiting for an operator must not take
 * orders out of service), but a stuck or parked saga shows there and in `bazaar_sagas`.
 */
export function sagaCheck(sagas: OrderSagaEngine, partition?: number): ReadinessCheck {
  const name = partition === undefined ? "sagas" : `sagas p${partition}`;
  return { name, local: false, timeoutMs: 1_000, run: () => sagas.counts() };
}
