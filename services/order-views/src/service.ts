import { orderViewsService } from "./declaration.js";
import { lagCheck, registerLagMetric } from "./lag.js";
import { Rebuilder } from "./rebuild.js";
import { getOrderView, listMyOrders } from "./rpc/read-model.js";
import { rebuild, rebuildStatus } from "./rpc/rebuild.js";
import { subscriptions } from "./subscriptions.js";

export interface OrderViewsServiceOptions {
  /** Runs after a rebuild's replay caught up and before its switch (tests interleave live events there). */
  readonly beforeSwitch?: () => Promise<void>;
}

/** `createOrderViewsService` is the read-model service; each running instance has its own rebuilder. */
export function createOrderViewsService(options: OrderViewsServiceOptions = {}) {
  return orderViewsService.define({
    serves: [listMyOrders, getOrderView, rebuild, rebuildStatus],
    consumes: subscriptions,
    setup: (runtime) => {
      registerLagMetric(runtime);
      return { rebuilder: new Rebuilder({ runtime, ...options }) };
    },
    checks: (runtime) => [lagCheck(runtime)],
    onStop: (_runtime, deps) => deps.rebuilder.stop(),
  });
}

export const service = createOrderViewsService();
