/**
 * The Bazaar system at a glance, and its one registry of services: every service, the folder and package
 * that hold it, what it is for, where it listens under `pnpm dev`, when it starts, and the facts the
 * runners need (does it own a SQLite file, is it the public door, does it declare contracts or
 * invariants). Read this file first.
 *
 * Read by the dev runner (`tools/dev`), deploy (`tools/deploy`: folders, Dockerfiles, manifests), the
 * console (its server serves it as `/topology.json`), the contracts catalogue's test, and the test
 * harnesses (`tools/e2e`, `tools/ops`, `tools/faults`). `src/topology.test.ts` fails when a folder under
 * `services/` is missing here or an entry here has no folder, and when a declared fact is not true of the
 * folder.
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

/** One service of the system. */
export interface ServiceEntry {
  /** Its name everywhere: its broker user, `rpc.<name>.*`, its manifests, `<NAME>_PORT`. */
  readonly name: string;
  /** Its folder from the repo root: `services/<name>`. */
  readonly folder: string;
  /** Its package: `@bazaar/<name>`, which exports `./service` (its definition). */
  readonly package: string;
  /** Where it listens under `pnpm dev` (`<NAME>_PORT` overrides it). */
  readonly port: number;
  /** What it is for, in one line (the dev runner's banner). */
  readonly role: string;
  /**
   * When it starts: the services of a stage start together once every earlier stage is ready, and stop
   * in reverse (the last stage first). The gateway is last: it fetches the users service's keys when it
   * starts, and as the door it is the first to close.
   */
  readonly stage: number;
  /** `sqlite`: it owns a SQLite file (drizzle migrations, a volume, one writer); `none`: stateless. */
  readonly store: "sqlite" | "none";
  /** The one public HTTP door: clients and the console speak only to it; it serves the admin API. */
  readonly edge: boolean;
  /** It declares RPCs or events in `packages/contracts/src/<name>/`. */
  readonly contracts: boolean;
  /** It exports invariants of its own (`<package>/invariants`), which the fault suite checks. */
  readonly invariants: boolean;
  /**
   * Its declaration says `partitioned`: one writer per partition of its keys, so it may run as several
   * instances (`pnpm dev --instances 2`, the StatefulSet's replicas). See docs/scale-out.md.
   */
  readonly partitioned?: boolean;
}

export interface Topology {
  /** The development broker (`pnpm dev` starts it, or reuses one already there). */
  readonly nats: { readonly url: string };
  /** The operations console (a static page that uses the gateway's admin API). */
  readonly console: { readonly port: number };
  /** Every service, in the order they are listed everywhere (the console's, the banner's). */
  readonly services: readonly ServiceEntry[];
}

export const topology = {
  nats: { url: "nats://127.0.0.1:4222" },
  console: { port: 3100 },
  services: [
    {
      name: "gateway",
      folder: "services/gateway",
      package: "@bazaar/gateway",
      port: 3000,
      role: "The only public REST surface: routing, JWT auth, rate limits, aggregation, OpenAPI",
      stage: 2,
      store: "none",
      edge: true,
      contracts: false,
      invariants: false,
    },
    {
      name: "users",
      folder: "services/users",
      package: "@bazaar/users",
      port: 3101,
      role: "Accounts, passwords, roles; issues EdDSA access tokens and serves their JWK set",
      stage: 1,
      store: "sqlite",
      edge: false,
      contracts: true,
      invariants: false,
    },
    {
      name: "inventory",
      folder: "services/inventory",
      package: "@bazaar/inventory",
      port: 3102,
      role: "Catalogue and stock; all-or-nothing reservations per order",
      stage: 1,
      store: "sqlite",
      edge: false,
      contracts: true,
      invariants: true,
    },
    {
      name: "payments",
      folder: "services/payments",
      package: "@bazaar/payments",
      port: 3103,
      role: "Charges and refunds per order through a card processor",
      stage: 1,
      store: "sqlite",
      edge: false,
      contracts: true,
      invariants: true,
      partitioned: true,
    },
    {
      name: "shipping",
      folder: "services/shipping",
      package: "@bazaar/shipping",
      port: 3104,
      role: "Shipments and tracking numbers per order",
      stage: 1,
      store: "sqlite",
      edge: false,
      contracts: true,
      invariants: true,
      partitioned: true,
    },
    {
      name: "orders",
      folder: "services/orders",
      package: "@bazaar/orders",
      port: 3105,
      role: "Places orders and runs the durable order saga",
      stage: 1,
      store: "sqlite",
      edge: false,
      contracts: true,
      invariants: true,
      partitioned: true,
    },
    {
      name: "order-views",
      folder: "services/order-views",
      package: "@bazaar/order-views",
      port: 3106,
      role: "Read model of orders built from events; rebuildable",
      stage: 1,
      store: "sqlite",
      edge: false,
      contracts: true,
      invariants: true,
      partitioned: true,
    },
    {
      name: "notifications",
      folder: "services/notifications",
      package: "@bazaar/notifications",
      port: 3107,
      role: "One message per event, through a pluggable transport",
      stage: 1,
      store: "sqlite",
      edge: false,
      contracts: true,
      invariants: true,
      partitioned: true,
    },
  ],
} as const satisfies Topology;

/** The name of a service of the registry. */
export type ServiceName = (typeof topology.services)[number]["name"];
