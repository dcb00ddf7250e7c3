import { type EnvelopeOf, payments } from "@bazaar/contracts";
import { notificationsService } from "../declaration.js";
import { formatMoney } from "../money.js";
import { notify, type Rendered } from "../notifications.js";
import { sideEffect } from "./side-effect.js";

type Failed = EnvelopeOf<typeof payments.paymentFailed>["data"];

/** `paymentFailedMessage` says a charge was declined, for how much, and why. */
export function paymentFailedMessage(payment: Failed): Rendered {
  return {
    subject: `Payment for order ${payment.orderId} failed`,
    body: [
      `Payment for order ${payment.orderId} failed: ${payment.reason}`,
      "",
      `We could not charge ${formatMoney(payment.amountCents, payment.currency)}; nothing was taken from your account.`,
    ].join("\n"),
  };
}

export const onPaymentFailed = notificationsService.on(
  payments.paymentFailed,
  (event, ctx) => {
    notify(ctx, { event, userId: event.data.userId, ...paymentFailedMessage(event.data) });
  },
  sideEffect,
);
