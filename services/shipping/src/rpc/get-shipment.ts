import { shipping } from "@bazaar/contracts";
import { shippingService } from "../declaration.js";
import { getShipment as get } from "../shipments.js";

export const getShipment = shippingService.handle(shipping.getShipment, (input, ctx) =>
  get(ctx.db, input.orderId),
);
