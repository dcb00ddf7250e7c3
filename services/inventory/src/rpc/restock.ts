import { inventory } from "@bazaar/contracts";
import { restock as addStock } from "../catalogue.js";
import { inventoryService } from "../declaration.js";

/** Restocking is not naturally idempotent (it adds), so a retry is recognised by its idempotency key. */
export const restock = inventoryService.handle(inventory.restock, (input, ctx) =>
  ctx.idempotent((tx) => addStock(tx, input.sku, input.quantity)),
);
