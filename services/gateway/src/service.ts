import { gateway } from "./declaration.js";
import { createLiveEvents, type LiveEvents } from "./events/live-events.js";
import { mountGateway } from "./gateway-app.js";

/**
 * `createGatewayService` completes the gateway: it serves no RPC and consumes no event; its whole job is
 * the HTTP routes it adds to the kit's app. Open event streams are closed at shutdown.
 */
export function createGatewayService() {
  let live: LiveEvents | undefined;
  return gateway.define({
    routes: (app, runtime) => {
      live = createLiveEvents({ runtime, heartbeatMs: runtime.config.SSE_HEARTBEAT_MS });
      mountGateway(app, runtime, live);
    },
    onStop: () => {
      live?.closeAll();
    },
  });
}

export const service = createGatewayService();
