import { type EnvelopeOf, orders } from "@bazaar/contracts";
import { notificationsService } from "../declaration.js";
import { formatMoney } from "../money.js";
import { notify, type Rendered } from "../notifications.js";
import { sideEffect } from "./side-effect.js";

type Confirmed = EnvelopeOf<typeof orders.orderConfirmed>["data"];

/** `orderConfirmedMessage` tells the customer the order went through: reserved, charged and shipped. */
export function orderConfirmedMessage(order: Confirmed): Rendered {
  return {
    subject: `Your order ${order.orderId} is confirmed`,
    body: [
      `Your order ${order.orderId} is confirmed: we charged ${formatMoney(order.totalCents, order.currency)} and it is on its way.`,
      "",
      "Thank you for shopping at Bazaar.",
    ].join("\n"),
  };
}

export const onOrderConfirmed = notificationsService.on(
  orders.orderConfirmed,
  (event, ctx) => {
    notify(ctx, { event, userId: event.data.userId, ...orderConfirmedMessage(event.data) });
  },
  sideEffect,
);
