import { shipping } from "@bazaar/contracts";
import { settled } from "@bazaar/service-kit";
import { shippingService } from "../declaration.js";
import { createShipment as ship } from "../shipments.js";

// A refusal (a country not served) is stored with the attempt and thrown after the commit, by `settled`.
export const createShipment = shippingService.handle(shipping.createShipment, (input, ctx) => {
  const settings = { carrier: ctx.config.CARRIER_NAME, supportedCountries: ctx.config.SUPPORTED_COUNTRIES };
  return settled(ctx.transaction((tx, outbox) => ship(tx, outbox, input, settings)));
});
