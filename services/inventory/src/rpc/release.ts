import { inventory } from "@bazaar/contracts";
import { inventoryService } from "../declaration.js";
import { release as giveBack } from "../reservations.js";

export const release = inventoryService.handle(inventory.release, (input, ctx) =>
  ctx.transaction((tx, outbox) => giveBack(tx, outbox, input.orderId, input.reason)),
);
