import { inventory } from "@bazaar/contracts";
import { settled } from "@bazaar/service-kit";
import { inventoryService } from "../declaration.js";
import { reserve as hold } from "../reservations.js";

// A refusal (out of stock) is stored with the attempt and thrown after the commit, by `settled`.
export const reserve = inventoryService.handle(inventory.reserve, (input, ctx) =>
  settled(ctx.transaction((tx, outbox) => hold(tx, outbox, input.orderId, input.items))),
);
