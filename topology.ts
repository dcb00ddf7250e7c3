/**
 * The Bazaar system at a glance: every service, the package that holds it, what it is for, and where it
 * listens when you run `pnpm dev`. Read this file first.
 *
 * What each service calls, emits and consumes is declared once, in `services/<name>/src/declaration.ts`;
 * each running instance publishes that declaration, and the console draws the live graph from it.
 *
 *                    ┌──────────── gateway (REST, JWT, rate limits) ────────────┐
 *                    │             one public door, owns no data               │
 *        ┌───────────┼──────────┬──────────┬──────────┬──────────┬────────────┐
 *      users    inventory   payments   shipping    orders   order-views  notifications
 *                    ▲           ▲          ▲          │  saga: reserve → charge → ship → commit
 *                    └───────────┴──────────┴──── RPC ─┘
 *      events (JetStream): user.*, stock.*, payment.*, shipment.*, order.*, ops.alert
 *      order-views and notifications build their state from events only.
 */
export const topology = {
  /** The development broker (`pnpm dev` starts it, or reuses one already there). */
  nats: { url: "nats://127.0.0.1:4222" },
  /** The operations console (a static page that uses the gateway's admin API). */
  console: { port: 3100 },
  services: [
    {
      name: "gateway",
      package: "@bazaar/gateway",
      port: 3000,
      role: "The only public REST surface: routing, JWT auth, rate limits, aggregation, OpenAPI",
    },
    {
      name: "users",
      package: "@bazaar/users",
      port: 3101,
      role: "Accounts, passwords, roles; issues EdDSA access tokens and serves their JWK set",
    },
    {
      name: "inventory",
      package: "@bazaar/inventory",
      port: 3102,
      role: "Catalogue and stock; all-or-nothing reservations per order",
    },
    {
      name: "payments",
      package: "@bazaar/payments",
      port: 3103,
      role: "Charges and refunds per order through a card processor",
    },
    {
      name: "shipping",
      package: "@bazaar/shipping",
      port: 3104,
      role: "Shipments and tracking numbers per order",
    },
    {
      name: "orders",
      package: "@bazaar/orders",
      port: 3105,
      role: "Places orders and runs the durable order saga",
    },
    {
      name: "order-views",
      package: "@bazaar/order-views",
      port: 3106,
      role: "Read model of orders built from events; rebuildable",
    },
    {
      name: "notifications",
      package: "@bazaar/notifications",
      port: 3107,
      role: "One message per event, through a pluggable transport",
    },
  ],
} as const;

export type ServiceName = (typeof topology.services)[number]["name"];
