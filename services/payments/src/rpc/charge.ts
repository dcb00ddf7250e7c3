import { payments } from "@bazaar/contracts";
import { paymentsService } from "../declaration.js";
import { withOrderLock } from "../order-lock.js";
import {
  answerCharge,
  checkAmount,
  findPayment,
  recordCharge,
  recordIntent,
  refuseIfVoided,
} from "../payments.js";

/**
 * A charge checks for a stored outcome, calls the processor (async, so outside any transaction), then
 * stores the outcome with its event in a second transaction. A stored decline is answered like a fresh one;
 * a processor failure stores nothing and surfaces as UNAVAILABLE, so the caller retries.
 */
export const charge = paymentsService.handle(payments.charge, (input, ctx) => {
  checkAmount(input.amountCents);
  const intent = {
    orderId: input.orderId,
    userId: input.userId,
    amountCents: input.amountCents,
    currency: input.currency,
  };
  return withOrderLock(input.orderId, async () => {
    const stored = findPayment(ctx.db, input.orderId);
    if (stored) return answerCharge(stored, intent);
    refuseIfVoided(ctx.db, input.orderId);
    // Noted before the call: if this process dies before the answer is recorded, a refund can still settle it.
    ctx.transaction((tx) => recordIntent(tx, intent));
    const result = await ctx.deps.processor.charge({
      orderId: input.orderId,
      amountCents: input.amountCents,
      currency: input.currency,
      token: input.paymentMethod.token,
      idempotencyKey: `charge:${input.orderId}`,
    });
    const row = ctx.transaction((tx, outbox) => recordCharge(tx, outbox, intent, result));
    return answerCharge(row, intent);
  });
});
