import { gatewayService } from "./declaration.js";
import { createLiveEvents } from "./events/live-events.js";
import { mountGateway } from "./gateway-app.js";

/**
 * The gateway serves no RPC and consumes no event: its whole job is the HTTP routes it adds to the kit's
 * app. Each running instance has its live event streams, closed at shutdown.
 */
export const service = gatewayService.define({
  setup: (runtime) => ({
    live: createLiveEvents({ runtime, heartbeatMs: runtime.config.SSE_HEARTBEAT_MS }),
  }),
  routes: (app, runtime, deps) => mountGateway(app, runtime, deps.live),
  onStop: (_runtime, deps) => deps.live.closeAll(),
});
