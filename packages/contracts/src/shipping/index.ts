export {
  cancelShipment,
  createShipment,
  getShipment,
  Shipment,
  ShipmentStatus,
  shipmentCancelled,
  shipmentCreated,
} from "./shipping.js";
