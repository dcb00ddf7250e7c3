import { inventory } from "@bazaar/contracts";
import { getProduct as get } from "../catalogue.js";
import { inventoryService } from "../declaration.js";

export const getProduct = inventoryService.handle(inventory.getProduct, (input, ctx) =>
  get(ctx.db, input.sku),
);
