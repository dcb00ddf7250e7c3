import { type EnvelopeOf, orders } from "@bazaar/contracts";
import { notificationsService } from "../declaration.js";
import { formatMoney } from "../money.js";
import { notify, type Rendered } from "../notifications.js";
import { sideEffect } from "./side-effect.js";

type Placed = EnvelopeOf<typeof orders.orderPlaced>["data"];

/** `orderPlacedMessage` acknowledges an order: how many items, each line, and the total. */
export function orderPlacedMessage(order: Placed): Rendered {
  const count = order.items.reduce((n, item) => n + item.quantity, 0);
  const total = formatMoney(order.totalCents, order.currency);
  const lines = order.items.map(
    (item) => `- ${item.quantity} × ${item.sku} at ${formatMoney(item.unitPriceCents, order.currency)}`,
  );
  return {
    subject: `We received your order ${order.orderId}`,
    body: [
      `We received your order ${order.orderId}: ${count} ${count === 1 ? "item" : "items"}, total ${total}.`,
      "",
      ...lines,
      "",
      "We will write again once it is confirmed.",
    ].join("\n"),
  };
}

export const onOrderPlaced = notificationsService.on(
  orders.orderPlaced,
  (event, ctx) => {
    notify(ctx, { event, userId: event.data.userId, ...orderPlacedMessage(event.data) });
  },
  sideEffect,
);
