import { shipping as contracts } from "@bazaar/contracts";
import { shipping } from "../declaration.js";
import { getShipment as get } from "../shipments.js";

export const getShipment = shipping.handle(contracts.getShipment, (input, ctx) => get(ctx.db, input.orderId));
