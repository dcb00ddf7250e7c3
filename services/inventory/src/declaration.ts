import { inventory } from "@bazaar/contracts";
import { declareService, type Emitter, enumVar, type Queryable } from "@bazaar/service-kit";
import type { PreparedCatalogue } from "./catalogue.js";
import { schema } from "./db/schema.js";

/** What inventory owns, emits and needs: its single source of truth. */
const declaration = declareService({
  name: "inventory",
  version: "1.0.0",
  description: "Product catalogue, stock on hand and all-or-nothing reservations per order",
  store: { schema, migrations: new URL("../drizzle", import.meta.url) },
  emits: [inventory.stockReserved, inventory.stockReleased, inventory.stockCommitted, inventory.stockLow],
  config: {
    /** Seed the demo catalogue: `auto` seeds in development only. */
    SEED: enumVar(["auto", "true", "false"], "auto"),
  },
});

export type InventoryTx = Queryable<typeof schema>;
export type InventoryOutbox = Emitter<(typeof declaration.emits)[number]>;

/** What inventory's handlers share (`ctx.deps`), made once per running instance by `setup`. */
export interface InventoryDeps {
  readonly catalogue: PreparedCatalogue;
}

export const inventoryService = declaration.withDeps<InventoryDeps>();
