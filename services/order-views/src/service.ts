import { views } from "./declaration.js";
import { lagCheck, registerLagMetric } from "./lag.js";
import { Rebuilder } from "./rebuild.js";
import { getOrderView, listMyOrders } from "./rpc/read-model.js";
import { rebuild, rebuildStatus } from "./rpc/rebuild.js";
import { subscriptions } from "./subscriptions.js";

/** `createOrderViewsService` builds the read-model service with its own rebuilder. */
export function createOrderViewsService(options: ConstructorParameters<typeof Rebuilder>[0] = {}) {
  const rebuilder = new Rebuilder(options);
  return views.define({
    serves: [listMyOrders, getOrderView, rebuild(rebuilder), rebuildStatus(rebuilder)],
    consumes: subscriptions(rebuilder),
    checks: (runtime) => [lagCheck(runtime)],
    onStart: (runtime) => {
      rebuilder.attach(runtime);
      registerLagMetric(runtime);
    },
    onStop: () => rebuilder.stop(),
  });
}

export const service = createOrderViewsService();
