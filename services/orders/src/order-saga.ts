import { randomUUID } from "node:crypto";
import { type Address, inventory, orders, payments, shipping } from "@bazaar/contracts";
import type { SagaDefinition } from "@bazaar/saga";
import type { CallFn } from "@bazaar/service-kit";
import type { OrdersDb, OrdersOutbox, ordersService } from "./declaration.js";
import { setStatus } from "./order-records.js";

/** What the order saga carries from step to step (persisted with it). */
export interface OrderSagaData {
  readonly orderId: string;
  readonly userId: string;
  readonly items: ReadonlyArray<{ sku: string; quantity: number }>;
  readonly totalCents: number;
  readonly currency: string;
  readonly address: Address;
  /** The card token, kept only until the charge is settled (then dropped from the stored saga). */
  readonly paymentToken?: string | undefined;
  readonly paymentId?: string;
  readonly shipmentId?: string;
  readonly trackingNumber?: string;
}

type Call = CallFn<(typeof ordersService.calls)[number]>;

/** A readable cancel reason for customers, from the saga's failure reason. */
export function customerReason(failure: string): string {
  if (failure.startsWith("cancelled: ")) return failure.slice("cancelled: ".length);
  if (failure.includes("OUT_OF_STOCK")) return "out of stock";
  if (failure.includes("CARD_DECLINED")) return "payment declined";
  if (failure.includes("UNSUPPORTED_COUNTRY")) return "shipping to this country is not supported";
  // Anything else is ours to investigate (it is in the saga's timeline); customers get no internals.
  return "the order could not be completed";
}

/**
 * `orderSaga` is the order's lifecycle as a saga: reserve the stock, charge the payment, create the
 * shipment, then commit the stock (the order has shipped). Each call carries the step's idempotency key;
 * compensations undo in reverse. The hooks move the order to its final status and emit the matching fact
 * in the same transaction as the saga's end.
 */
export function orderSaga(call: Call): SagaDefinition<OrderSagaData, OrdersDb, OrdersOutbox> {
  return {
    type: "order",
    pivot: "commit-stock",
    steps: [
      {
        name: "reserve-stock",
        execute: async ({ data, idempotencyKey, signal }) => {
          await call(
            inventory.reserve,
            { orderId: data.orderId, items: [...data.items] },
            { idempotencyKey, signal },
          );
        },
        compensate: async ({ data, idempotencyKey, signal }) => {
          await call(
            inventory.release,
            { orderId: data.orderId, reason: "order cancelled" },
            { idempotencyKey, signal },
          );
        },
      },
      {
        name: "charge-payment",
        execute: async ({ data, idempotencyKey, signal }) => {
          // It is dropped only in the same commit that records this step done, so a charge always has it.
          if (!data.paymentToken) throw new Error("the payment token is gone: the charge cannot be made");
          const payment = await call(
            payments.charge,
            {
              orderId: data.orderId,
              userId: data.userId,
              amountCents: data.totalCents,
              currency: data.currency,
              paymentMethod: { token: data.paymentToken },
            },
            { idempotencyKey, signal },
          );
          // A secret is kept no longer than it is needed: the stored saga forgets the token once charged.
          return { paymentId: payment.paymentId, paymentToken: undefined };
        },
        compensate: async ({ data, idempotencyKey, signal }) => {
          await call(
            payments.refund,
            { orderId: data.orderId, reason: "order cancelled" },
            { idempotencyKey, signal },
          );
        },
      },
      {
        name: "create-shipment",
        execute: async ({ data, idempotencyKey, signal }) => {
          const shipment = await call(
            shipping.createShipment,
            { orderId: data.orderId, address: data.address, items: [...data.items] },
            { idempotencyKey, signal },
          );
          return { shipmentId: shipment.shipmentId, trackingNumber: shipment.trackingNumber };
        },
        compensate: async ({ data, idempotencyKey, signal }) => {
          await call(shipping.cancelShipment, { orderId: data.orderId }, { idempotencyKey, signal });
        },
      },
      {
        // The pivot: once the stock is committed the order has shipped, so there is nothing to undo.
        name: "commit-stock",
        execute: async ({ data, idempotencyKey, signal }) => {
          await call(inventory.commit, { orderId: data.orderId }, { idempotencyKey, signal });
        },
      },
    ],
    hooks: {
      onCompleted(tx, outbox, saga) {
        setStatus(tx, saga.data.orderId, "confirmed");
        outbox.emit(
          orders.orderConfirmed,
          {
            orderId: saga.data.orderId,
            userId: saga.data.userId,
            totalCents: saga.data.totalCents,
            currency: saga.data.currency,
          },
          { aggregate: saga.data.orderId },
        );
      },
      onCompensated(tx, outbox, saga, reason) {
        const text = customerReason(reason);
        setStatus(tx, saga.data.orderId, "cancelled", text);
        outbox.emit(
          orders.orderCancelled,
          { orderId: saga.data.orderId, userId: saga.data.userId, reason: text },
          { aggregate: saga.data.orderId },
        );
      },
      onRequiresAttention(tx, outbox, saga, failure) {
        const reason =
          failure.phase === "compensate"
            ? `compensation of ${failure.step} failed ${failure.attempts} times: ${failure.error}`
            : `${failure.step} failed after the order shipped: ${failure.error}`;
        setStatus(tx, saga.data.orderId, "requires_attention");
        outbox.emit(
          orders.orderRequiresAttention,
          { orderId: saga.data.orderId, userId: saga.data.userId, sagaId: saga.sagaId, reason },
          { aggregate: saga.data.orderId },
        );
        outbox.emit(orders.opsAlert, {
          alertId: randomUUID(),
          severity: "critical",
          title: `Order ${saga.data.orderId} needs an operator`,
          message:
            failure.phase === "compensate"
              ? `The order saga could not undo ${failure.step} after ${failure.attempts} attempts (${saga.failureReason ?? "cancelled"}). The customer may have been charged or stock may be held.`
              : `The order saga could not finish ${failure.step} after the order shipped (${failure.error}). Stock records may be out of step with the warehouse.`,
          orderId: saga.data.orderId,
          sagaId: saga.sagaId,
          step: failure.step,
          attempts: failure.attempts,
          lastError: failure.error,
          action: `Fix the cause, then retry: POST /api/admin/sagas/${saga.sagaId}/retry (orders.retrySaga)`,
        });
      },
      onStuck(_tx, outbox, saga, stuck) {
        outbox.emit(orders.opsAlert, {
          alertId: randomUUID(),
          severity: "critical",
          title: `Order ${saga.data.orderId} is stuck`,
          message: `The order saga's loop failed ${stuck.crashes} times in a row (${stuck.error}); it is resumed every sweep, and the order stays pending until it gets through.`,
          orderId: saga.data.orderId,
          sagaId: saga.sagaId,
          attempts: stuck.crashes,
          lastError: stuck.error,
          action: "Check the orders service's storage (disk, permissions) and its logs for this saga id.",
        });
      },
    },
  };
}
