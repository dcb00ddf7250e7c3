import { inventory as contracts } from "@bazaar/contracts";
import { inventory } from "../declaration.js";
import { release as giveBack } from "../reservations.js";

export const release = inventory.handle(contracts.release, (input, ctx) =>
  ctx.transaction((tx, outbox) => giveBack(tx, outbox, input.orderId, input.reason)),
);
