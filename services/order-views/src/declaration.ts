import { orders, payments, shipping } from "@bazaar/contracts";
import { declareService, type Queryable } from "@bazaar/service-kit";
import { schema } from "./db/schema.js";
import type { Rebuilder } from "./rebuild.js";

/** The events the read model is built from (what it consumes, and what a rebuild replays). */
export const SOURCE_EVENTS = [
  orders.orderPlaced,
  orders.orderConfirmed,
  orders.orderCancelled,
  orders.orderRequiresAttention,
  payments.paymentCompleted,
  payments.paymentFailed,
  payments.paymentRefunded,
  shipping.shipmentCreated,
  shipping.shipmentCancelled,
] as const;

/** What order-views owns: its own read model; it calls nobody and emits nothing. */
const declaration = declareService({
  name: "order-views",
  version: "1.0.0",
  description:
    "Denormalized read model of orders, built from order, payment and shipment events; rebuildable by replay",
  store: { schema, migrations: new URL("../drizzle", import.meta.url) },
  // By order id, like every event it is built from: a partition's file holds its orders' views, and its
  // consumers read only its partition's events. A user's list is gathered from every partition.
  partitioned: true,
});

export type ViewsDb = Queryable<typeof schema>;

/** What order-views' handlers share (`ctx.deps`), made once per running instance by `setup`. */
export interface ViewsDeps {
  readonly rebuilder: Rebuilder;
}

export const orderViewsService = declaration.withDeps<ViewsDeps>();
