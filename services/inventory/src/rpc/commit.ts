import { inventory as contracts } from "@bazaar/contracts";
import { inventory } from "../declaration.js";
import { commit as ship } from "../reservations.js";

export const commit = inventory.handle(contracts.commit, (input, ctx) =>
  ctx.transaction((tx, outbox) => ship(tx, outbox, input.orderId)),
);
