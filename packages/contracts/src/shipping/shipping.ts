import * as v from "valibot";
import { Address, Country, Id, LineItem, LineItems, Timestamp } from "../common.js";
import { defineEvent, defineRpc } from "../define.js";
import { SHIPPING_STREAM } from "../streams.js";

export const ShipmentStatus = v.picklist(["created", "cancelled"]);
export const Shipment = v.object({
  shipmentId: Id,
  orderId: Id,
  trackingNumber: v.string(),
  carrier: v.string(),
  status: ShipmentStatus,
  country: Country,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Shipment = v.InferOutput<typeof Shipment>;

export const createShipment = defineRpc({
  service: "shipping",
  name: "createShipment",
  description:
    "Create the shipment of an order and return its tracking number. Idempotent per order. Unsupported country: UNPROCESSABLE with reason UNSUPPORTED_COUNTRY.",
  request: v.object({ orderId: Id, address: Address, items: LineItems }),
  response: Shipment,
  errors: ["UNPROCESSABLE", "CONFLICT"],
  command: true,
  partitionKey: (request) => request.orderId,
});

export const cancelShipment = defineRpc({
  service: "shipping",
  name: "cancelShipment",
  description: "Cancel an order's shipment. Idempotent; cancelling an unknown order is a no-op that says so.",
  request: v.object({ orderId: Id }),
  response: v.object({ orderId: Id, status: v.picklist(["cancelled", "not_found"]) }),
  command: true,
  partitionKey: (request) => request.orderId,
});

export const getShipment = defineRpc({
  service: "shipping",
  name: "getShipment",
  description: "The shipment of an order.",
  request: v.object({ orderId: Id }),
  response: Shipment,
  errors: ["NOT_FOUND"],
  partitionKey: (request) => request.orderId,
});

export const shipmentCreated = defineEvent({
  type: "shipment.created",
  version: 1,
  publisher: "shipping",
  stream: SHIPPING_STREAM,
  partitionKey: (data) => data.orderId,
  description: "A shipment was created for an order.",
  data: v.object({
    orderId: Id,
    shipmentId: Id,
    trackingNumber: v.string(),
    carrier: v.string(),
    items: v.array(LineItem),
  }),
});

export const shipmentCancelled = defineEvent({
  type: "shipment.cancelled",
  version: 1,
  publisher: "shipping",
  stream: SHIPPING_STREAM,
  partitionKey: (data) => data.orderId,
  description: "An order's shipment was cancelled.",
  data: v.object({ orderId: Id, shipmentId: Id }),
});
