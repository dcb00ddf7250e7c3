import type { GatewayRuntime } from "./declaration.js";
import { createDiscovery } from "./discovery/discovery.js";
import type { LiveEvents } from "./events/live-events.js";
import { LoginThrottle } from "./middleware/login-throttle.js";
import { replicaShare } from "./middleware/replica-share.js";
import { adminDeadLetterRoutes } from "./routes/admin-dead-letters.js";
import { adminEventRoutes } from "./routes/admin-events.js";
import { adminProductRoutes } from "./routes/admin-products.js";
import { adminReadModelRoutes } from "./routes/admin-read-models.js";
import { adminSagaRoutes } from "./routes/admin-sagas.js";
import { adminServiceRoutes } from "./routes/admin-services.js";
import { adminStreamRoutes } from "./routes/admin-streams.js";
import { authRoutes } from "./routes/auth.js";
import { docsRoutes, openApiRoutes } from "./routes/docs.js";
import { meRoutes } from "./routes/me.js";
import { myOrdersRoutes } from "./routes/my-orders.js";
import { notificationRoutes } from "./routes/notifications.js";
import { orderRoutes } from "./routes/orders.js";
import { productRoutes } from "./routes/products.js";
import { systemRoutes } from "./routes/system.js";
import type { RouteGroup } from "./routing/route-group.js";

export interface GatewayRouteOptions {
  readonly runtime: GatewayRuntime;
  readonly live: LiveEvents;
  /** The OpenAPI document, which is built from these very groups (so it is asked for at request time). */
  readonly spec: () => string;
}

/**
 * `gatewayRouteGroups` is every route the gateway serves, as groups mounted under their prefixes: the
 * router mounts this list and the OpenAPI document is written from it, so they cannot disagree.
 */
export function gatewayRouteGroups(options: GatewayRouteOptions): RouteGroup[] {
  const { runtime, live, spec } = options;
  const { config } = runtime;
  const discovery = createDiscovery({
    nc: runtime.nats.nc,
    maxWaitMs: config.DISCOVERY_MAX_WAIT_MS,
    stallMs: config.DISCOVERY_STALL_MS,
  });
  const throttle = new LoginThrottle({
    freeFailures: replicaShare(config.LOGIN_FREE_FAILURES, config.GATEWAY_REPLICAS),
    baseDelayMs: config.LOGIN_DELAY_BASE_MS,
    maxDelayMs: config.LOGIN_DELAY_MAX_MS,
    maxAccounts: config.RATE_LIMIT_MAX_BUCKETS,
  });
  return [
    authRoutes(runtime, throttle),
    meRoutes(runtime),
    productRoutes(runtime),
    orderRoutes(runtime),
    myOrdersRoutes(runtime),
    notificationRoutes(runtime),
    adminProductRoutes(runtime),
    adminSagaRoutes(runtime),
    adminDeadLetterRoutes(runtime),
    adminReadModelRoutes(runtime),
    adminStreamRoutes(runtime),
    adminEventRoutes(live),
    adminServiceRoutes(discovery),
    systemRoutes(discovery),
    openApiRoutes({ spec, version: runtime.version }),
    docsRoutes(),
  ];
}
