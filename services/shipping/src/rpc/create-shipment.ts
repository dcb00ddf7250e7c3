import { shipping as contracts } from "@bazaar/contracts";
import { shipping } from "../declaration.js";
import { rejectionError, createShipment as ship } from "../shipments.js";

export const createShipment = shipping.handle(contracts.createShipment, (input, ctx) => {
  const settings = { carrier: ctx.config.CARRIER_NAME, supportedCountries: ctx.config.SUPPORTED_COUNTRIES };
  // A rejection is stored with the attempt (a repeat gets the same answer), so it is thrown after commit.
  const outcome = ctx.transaction((tx, outbox) => ship(tx, outbox, input, settings));
  if ("rejection" in outcome) throw rejectionError(outcome.rejection);
  return outcome.shipment;
});
