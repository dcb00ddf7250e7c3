import { inventory } from "@bazaar/contracts";
import { inventoryService } from "../declaration.js";

export const getProduct = inventoryService.handle(inventory.getProduct, (input, ctx) =>
  ctx.deps.catalogue.getProduct(input.sku),
);
