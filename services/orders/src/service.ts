import { SagaEngine } from "@bazaar/saga";
import { orders } from "./declaration.js";
import { orderSaga } from "./order-saga.js";
import { getSaga, listSagas, retrySaga, retrySagas } from "./rpc/admin-sagas.js";
import { cancelOrder } from "./rpc/cancel-order.js";
import { getOrder } from "./rpc/get-order.js";
import { placeOrder } from "./rpc/place-order.js";
import { SagaHolder, sagaCheck } from "./saga-holder.js";

/** `createOrdersService` builds the orders service with its own saga engine (one per running instance). */
export function createOrdersService() {
  const sagas = new SagaHolder();
  return orders.define({
    serves: [
      placeOrder(sagas),
      getOrder,
      cancelOrder(sagas),
      listSagas(sagas),
      getSaga(sagas),
      retrySaga(sagas),
      retrySagas(sagas),
    ],
    checks: () => [sagaCheck(sagas)],
    onStart: (runtime) => {
      const { config } = runtime;
      if (!runtime.store) throw new Error("orders needs its store");
      const engine = new SagaEngine({
        sqlite: runtime.store.sqlite,
        transaction: runtime.transaction,
        definition: orderSaga(runtime.call),
        log: runtime.log.child({ component: "order-saga" }),
        registry: runtime.metrics.registry,
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
      sagas.set(engine);
      // Unfinished sagas continue from their last recorded step; the sweep keeps every one driven.
      engine.resume();
    },
    onStop: async (runtime) => {
      await sagas.current?.stop(runtime.config.SHUTDOWN_TIMEOUT_MS);
    },
  });
}

export const service = createOrdersService();
