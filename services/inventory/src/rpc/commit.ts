import { inventory } from "@bazaar/contracts";
import { inventoryService } from "../declaration.js";
import { commit as ship } from "../reservations.js";

export const commit = inventoryService.handle(inventory.commit, (input, ctx) =>
  ctx.transaction((tx, outbox) => ship(tx, outbox, input.orderId)),
);
