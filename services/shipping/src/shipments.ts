import { randomUUID } from "node:crypto";
import { type Address, type ErrorBody, type LineItem, shipping } from "@bazaar/contracts";
import { ConflictError, NotFoundError, type Outcome } from "@bazaar/service-kit";
import { eq } from "drizzle-orm";
import { isSupported } from "./countries.js";
import { shipmentRejections, shipments } from "./db/schema.js";
import type { ShippingOutbox, ShippingTx } from "./declaration.js";
import { newTrackingNumber } from "./tracking-number.js";

type ShipmentRow = typeof shipments.$inferSelect;
export type Shipment = shipping.Shipment;
/** A stored refusal: the error body it is answered with, every time. */
export type Rejection = ErrorBody;

/** A shipment request ends created, or refused; the refusal is stored with the attempt (see `Outcome`). */
export type ShipOutcome = Outcome<Shipment>;

/** `toShipment` is the wire shape of a row: the address and items stay inside the service. */
export function toShipment(row: ShipmentRow): Shipment {
  return {
    shipmentId: row.shipmentId,
    orderId: row.orderId,
    trackingNumber: row.trackingNumber,
    carrier: row.carrier,
    status: row.status,
    country: row.country,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function find(tx: ShippingTx, orderId: string): ShipmentRow | undefined {
  return tx.select().from(shipments).where(eq(shipments.orderId, orderId)).get();
}

export function getShipment(tx: ShippingTx, orderId: string): Shipment {
  const row = find(tx, orderId);
  if (!row) throw new NotFoundError(`no shipment for order ${orderId}`);
  return toShipment(row);
}

/** Tracking numbers are random; the unique index is the guarantee, this loop just avoids tripping it. */
function uniqueTrackingNumber(tx: ShippingTx, country: string): string {
  for (let attempt = 0; attempt < 10; attempt++) {
    const candidate = newTrackingNumber(country);
    const taken = tx.select().from(shipments).where(eq(shipments.trackingNumber, candidate)).get();
    if (!taken) return candidate;
  }
  throw new Error(`no free tracking number for ${country} after 10 attempts`);
}

export interface ShipmentRequest {
  readonly orderId: string;
  readonly address: Address;
  readonly items: readonly LineItem[];
}

export interface ShippingSettings {
  readonly carrier: string;
  readonly supportedCountries: readonly string[];
}

/**
 * `createShipment` ships an order once. It runs in one write transaction, so concurrent requests for the
 * same order are serialised: the first creates the shipment (and its tracking number), later ones get the
 * same shipment back, whatever address they carry. A refusal is stored per order as well, so it stays the
 * answer even if the supported countries change. A cancelled shipment is not created again.
 */
export function createShipment(
  tx: ShippingTx,
  outbox: ShippingOutbox,
  request: ShipmentRequest,
  settings: ShippingSettings,
): ShipOutcome {
  const { orderId, address, items } = request;
  const existing = find(tx, orderId);
  if (existing?.status === "cancelled")
    throw new ConflictError(`the shipment of order ${orderId} was cancelled`, {
      reason: "SHIPMENT_CANCELLED",
    });
  if (existing) return { value: toShipment(existing) };
  const refused = tx.select().from(shipmentRejections).where(eq(shipmentRejections.orderId, orderId)).get();
  if (refused) return { refusal: JSON.parse(refused.rejection) as Rejection };

  const now = new Date().toISOString();
  if (!isSupported(address.country, settings.supportedCountries)) {
    const rejection: Rejection = {
      code: "UNPROCESSABLE",
      reason: "UNSUPPORTED_COUNTRY",
      message: `we do not ship to ${address.country}`,
      details: { country: address.country },
    };
    tx.insert(shipmentRejections)
      .values({ orderId, rejection: JSON.stringify(rejection), createdAt: now })
      .run();
    return { refusal: rejection };
  }

  const row = tx
    .insert(shipments)
    .values({
      orderId,
      shipmentId: randomUUID(),
      trackingNumber: uniqueTrackingNumber(tx, address.country),
      carrier: settings.carrier,
      status: "created",
      recipient: address.name,
      line1: address.line1,
      line2: address.line2 ?? null,
      city: address.city,
      postalCode: address.postalCode,
      country: address.country,
      items: [...items],
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  outbox.emit(
    shipping.shipmentCreated,
    {
      orderId,
      shipmentId: row.shipmentId,
      trackingNumber: row.trackingNumber,
      carrier: row.carrier,
      items: row.items,
    },
    { aggregate: orderId },
  );
  return { value: toShipment(row) };
}

/** `cancelShipment` cancels an order's shipment once. Idempotent; an order with no shipment is `not_found`. */
export function cancelShipment(
  tx: ShippingTx,
  outbox: ShippingOutbox,
  orderId: string,
): { orderId: string; status: "cancelled" | "not_found" } {
  // A refused shipment never existed, so there is nothing to cancel either.
  const current = find(tx, orderId);
  if (!current) {
    // A saga may cancel a shipment whose creation timed out and is still on its way: refuse it in advance,
    // so the order is not shipped after it was cancelled.
    const rejection: Rejection = {
      code: "CONFLICT",
      reason: "SHIPMENT_CANCELLED",
      message: `the shipment of order ${orderId} was cancelled before it was created`,
    };
    tx.insert(shipmentRejections)
      .values({ orderId, rejection: JSON.stringify(rejection), createdAt: new Date().toISOString() })
      .onConflictDoNothing()
      .run();
    return { orderId, status: "not_found" };
  }
  if (current.status === "cancelled") return { orderId, status: "cancelled" };
  tx.update(shipments)
    .set({ status: "cancelled", updatedAt: new Date().toISOString() })
    .where(eq(shipments.orderId, orderId))
    .run();
  outbox.emit(
    shipping.shipmentCancelled,
    { orderId, shipmentId: current.shipmentId },
    { aggregate: orderId },
  );
  return { orderId, status: "cancelled" };
}
