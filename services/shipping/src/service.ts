import { shippingService } from "./declaration.js";
import { cancelShipment } from "./rpc/cancel-shipment.js";
import { createShipment } from "./rpc/create-shipment.js";
import { getShipment } from "./rpc/get-shipment.js";

/** The shipping service: what it serves (it consumes no events). */
export const service = shippingService.define({
  serves: [createShipment, cancelShipment, getShipment],
});
