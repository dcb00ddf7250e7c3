import { inventory } from "@bazaar/contracts";
import { listProducts as list } from "../catalogue.js";
import { inventoryService } from "../declaration.js";

export const listProducts = inventoryService.handle(inventory.listProducts, (input, ctx) =>
  list(ctx.db, input),
);
