import { shipping } from "@bazaar/contracts";
import { declareService, type Emitter, type Queryable, stringVar } from "@bazaar/service-kit";
import { countryListVar, DEFAULT_SUPPORTED_COUNTRIES } from "./countries.js";
import { schema } from "./db/schema.js";

/** What shipping owns, emits and needs: its single source of truth. */
export const shippingService = declareService({
  name: "shipping",
  version: "1.0.0",
  description: "Shipments per order, tracking numbers and the countries shipped to",
  store: { schema, migrations: new URL("../drizzle", import.meta.url) },
  /** One writer per partition of order ids (every call is about one order); see docs/scale-out.md. */
  partitioned: true,
  emits: [shipping.shipmentCreated, shipping.shipmentCancelled],
  config: {
    /** The carrier named on every new shipment. */
    CARRIER_NAME: stringVar("Bazaar Post"),
    /** Countries shipped to, comma-separated ISO codes (AQ is refused even when listed). */
    SUPPORTED_COUNTRIES: countryListVar(DEFAULT_SUPPORTED_COUNTRIES),
  },
});

export type ShippingTx = Queryable<typeof schema>;
export type ShippingOutbox = Emitter<(typeof shippingService.emits)[number]>;
