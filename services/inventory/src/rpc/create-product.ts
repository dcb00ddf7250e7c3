import { inventory } from "@bazaar/contracts";
import { createProduct as create } from "../catalogue.js";
import { inventoryService } from "../declaration.js";

export const createProduct = inventoryService.handle(inventory.createProduct, (input, ctx) =>
  ctx.idempotent((tx) => create(tx, input)),
);
