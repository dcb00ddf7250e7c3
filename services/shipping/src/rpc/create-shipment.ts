import { shipping } from "@bazaar/contracts";
import { errorFromBody } from "@bazaar/service-kit";
import { shippingService } from "../declaration.js";
import { createShipment as ship } from "../shipments.js";

export const createShipment = shippingService.handle(shipping.createShipment, (input, ctx) => {
  const settings = { carrier: ctx.config.CARRIER_NAME, supportedCountries: ctx.config.SUPPORTED_COUNTRIES };
  // A rejection is stored with the attempt (a repeat gets the same answer), so it is thrown after commit.
  const outcome = ctx.transaction((tx, outbox) => ship(tx, outbox, input, settings));
  if ("rejection" in outcome) throw errorFromBody(outcome.rejection, outcome.rejection.message);
  return outcome.shipment;
});
