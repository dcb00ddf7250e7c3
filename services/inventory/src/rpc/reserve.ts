import { inventory } from "@bazaar/contracts";
import { errorFromBody } from "@bazaar/service-kit";
import { inventoryService } from "../declaration.js";
import { reserve as hold } from "../reservations.js";

export const reserve = inventoryService.handle(inventory.reserve, (input, ctx) => {
  // A rejection is stored with the attempt (a repeat gets the same answer), so it is thrown after commit.
  const outcome = ctx.transaction((tx, outbox) => hold(tx, outbox, input.orderId, input.items));
  if ("rejection" in outcome) throw errorFromBody(outcome.rejection, outcome.rejection.message);
  return outcome.reservation;
});
