import type { SagaEngine } from "@bazaar/saga";
import { type ReadinessCheck, UnavailableError } from "@bazaar/service-kit";
import type { OrdersDb, OrdersOutbox } from "./declaration.js";
import type { OrderSagaData } from "./order-saga.js";

export type OrderSagaEngine = SagaEngine<OrderSagaData, OrdersDb, OrdersOutbox>;

/** Gives handlers the saga engine, which exists only once the service has started (it needs the runtime). */
export class SagaHolder {
  #engine: OrderSagaEngine | undefined;

  set(engine: OrderSagaEngine): void {
    this.#engine = engine;
  }

  get current(): OrderSagaEngine | undefined {
    return this.#engine;
  }

  get(): OrderSagaEngine {
    if (!this.#engine) throw new UnavailableError("orders is starting");
    return this.#engine;
  }
}

/**
 * The sagas by state in readiness detail: informational (an order waiting for an operator must not take
 * orders out of service), but a stuck or parked saga shows there and in `bazaar_sagas`.
 */
export function sagaCheck(sagas: SagaHolder): ReadinessCheck {
  return {
    name: "sagas",
    local: false,
    timeoutMs: 1_000,
    run: () => sagas.current?.counts() ?? { starting: true },
  };
}
