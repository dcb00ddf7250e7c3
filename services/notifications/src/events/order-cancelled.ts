import { type EnvelopeOf, orders } from "@bazaar/contracts";
import { notificationsService } from "../declaration.js";
import { notify, type Rendered } from "../notifications.js";
import { sideEffect } from "./side-effect.js";

type Cancelled = EnvelopeOf<typeof orders.orderCancelled>["data"];

/** `orderCancelledMessage` says an order was cancelled and why; orders has undone what was done by then. */
export function orderCancelledMessage(order: Cancelled): Rendered {
  return {
    subject: `Your order ${order.orderId} was cancelled`,
    body: [
      `Your order ${order.orderId} was cancelled: ${order.reason}`,
      "",
      "Anything we reserved or charged for it has been released or refunded.",
    ].join("\n"),
  };
}

export const onOrderCancelled = notificationsService.on(
  orders.orderCancelled,
  (event, ctx) => {
    notify(ctx, { event, userId: event.data.userId, ...orderCancelledMessage(event.data) });
  },
  sideEffect,
);
