import { inventory, notifications, orders, orderViews, payments, shipping, users } from "@bazaar/contracts";
import { type ConfigFor, declareService, type ServiceRuntime } from "@bazaar/service-kit/platform";
import { configuredJwksProblem } from "./auth/configured-jwks.js";
import { gatewayEnv } from "./config.js";
import type { LiveEvents } from "./events/live-events.js";

/**
 * What the gateway calls and needs. It owns no data (no store) and emits nothing: it translates REST into
 * these typed calls, and the kit refuses any call it did not declare here.
 */
const declaration = declareService({
  name: "gateway",
  version: "1.0.0",
  description:
    "The one public REST door: JWT auth, rate limits, aggregation and OpenAPI over typed NATS calls",
  calls: [
    users.register,
    users.login,
    users.refresh,
    users.logout,
    users.getUser,
    users.jwks,
    inventory.listProducts,
    inventory.getProduct,
    inventory.createProduct,
    inventory.restock,
    orders.placeOrder,
    orders.getOrder,
    orders.cancelOrder,
    orders.listSagas,
    orders.getSaga,
    orders.retrySaga,
    orders.retrySagas,
    payments.getPayment,
    shipping.getShipment,
    orderViews.listMyOrders,
    orderViews.rebuild,
    orderViews.rebuildStatus,
    notifications.listNotifications,
  ],
  config: gatewayEnv,
  validateConfig: (config) => {
    const problems: string[] = [];
    const jwks = configuredJwksProblem(config.JWT_PUBLIC_JWKS);
    if (jwks) problems.push(jwks);
    // A body still arriving when the route's budget ends would be a 504, a server error, for a slow client.
    if (config.BODY_TIMEOUT_MS >= config.ROUTE_TIMEOUT_MS)
      problems.push("BODY_TIMEOUT_MS: must be less than ROUTE_TIMEOUT_MS");
    return problems;
  },
});

export type GatewayConfig = ConfigFor<typeof gatewayEnv>;
export type GatewayCalls = (typeof declaration.calls)[number];
export type GatewayRuntime = ServiceRuntime<Record<string, never>, GatewayCalls, never, GatewayConfig>;

/** What a running gateway keeps (its `deps`): the live event streams it serves, closed at shutdown. */
export interface GatewayDeps {
  readonly live: LiveEvents;
}

export const gatewayService = declaration.withDeps<GatewayDeps>();
