import { shipping } from "@bazaar/contracts";
import { shippingService } from "../declaration.js";
import { cancelShipment as cancel } from "../shipments.js";

export const cancelShipment = shippingService.handle(shipping.cancelShipment, (input, ctx) =>
  ctx.transaction((tx, outbox) => cancel(tx, outbox, input.orderId)),
);
