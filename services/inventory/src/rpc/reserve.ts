import { inventory as contracts } from "@bazaar/contracts";
import { errorFromBody } from "@bazaar/service-kit";
import { inventory } from "../declaration.js";
import { reserve as hold } from "../reservations.js";

export const reserve = inventory.handle(contracts.reserve, (input, ctx) => {
  // A rejection is stored with the attempt (a repeat gets the same answer), so it is thrown after commit.
  const outcome = ctx.transaction((tx, outbox) => hold(tx, outbox, input.orderId, input.items));
  if ("rejection" in outcome) throw errorFromBody(outcome.rejection, outcome.rejection.message);
  return outcome.reservation;
});
