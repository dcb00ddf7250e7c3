import { ordersService } from "./declaration.js";
import { sagaCheck, startOrderSagas } from "./order-sagas.js";
import { getSaga, listSagas, retrySaga, retrySagas } from "./rpc/admin-sagas.js";
import { cancelOrder } from "./rpc/cancel-order.js";
import { getOrder } from "./rpc/get-order.js";
import { placeOrder } from "./rpc/place-order.js";

/** The orders service: what it serves, and the saga engine each running instance drives. */
export const service = ordersService.define({
  serves: [placeOrder, getOrder, cancelOrder, listSagas, getSaga, retrySaga, retrySagas],
  setup: (runtime) => ({ sagas: startOrderSagas(runtime) }),
  checks: (runtime, deps) => [sagaCheck(deps.sagas, runtime.partition)],
  onStop: (runtime, deps) => deps.sagas.stop(runtime.config.SHUTDOWN_TIMEOUT_MS),
});
