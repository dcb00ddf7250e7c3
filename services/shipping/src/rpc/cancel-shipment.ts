import { shipping as contracts } from "@bazaar/contracts";
import { shipping } from "../declaration.js";
import { cancelShipment as cancel } from "../shipments.js";

export const cancelShipment = shipping.handle(contracts.cancelShipment, (input, ctx) =>
  ctx.transaction((tx, outbox) => cancel(tx, outbox, input.orderId)),
);
