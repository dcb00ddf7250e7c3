import { payments as contracts } from "@bazaar/contracts";
import { eq } from "drizzle-orm";
import { cardProcessor } from "../card-processor.js";
import { chargeIntents } from "../db/schema.js";
import { payments } from "../declaration.js";
import { withOrderLock } from "../order-lock.js";
import { findIntent, findPayment, recordCharge, recordRefund, toPayment, voidOrder } from "../payments.js";

/**
 * A refund is idempotent: an order that was never charged (or whose card was declined) is `not_charged`,
 * a refunded one answers `refunded` without calling the processor again. It shares the charge's order lock,
 * so a refund that arrives while the charge is still with the processor waits and then refunds it.
 */
export const refund = payments.handle(contracts.refund, (input, ctx) =>
  withOrderLock(input.orderId, async () => {
    let stored = findPayment(ctx.db, input.orderId);
    const intent = stored ? undefined : findIntent(ctx.db, input.orderId);
    if (intent) {
      // A charge went to the processor and its answer was never recorded: ask the processor, record it.
      const outcome = await cardProcessor(ctx).find(`charge:${input.orderId}`);
      if (outcome) stored = ctx.transaction((tx, outbox) => recordCharge(tx, outbox, intent, outcome));
      else
        ctx.transaction((tx) =>
          tx.delete(chargeIntents).where(eq(chargeIntents.orderId, input.orderId)).run(),
        );
    }
    if (!stored) {
      // Nothing to refund; remember it so a charge that arrives late cannot take the money.
      ctx.transaction((tx) => voidOrder(tx, input.orderId, input.reason));
      return { orderId: input.orderId, status: "not_charged" as const, payment: null };
    }
    if (stored.status === "failed")
      return {
        orderId: input.orderId,
        status: "not_charged" as const,
        payment: stored ? toPayment(stored) : null,
      };
    if (stored.status === "refunded")
      return { orderId: input.orderId, status: "refunded" as const, payment: toPayment(stored) };
    const { refundId } = await cardProcessor(ctx).refund({
      orderId: stored.orderId,
      paymentId: stored.paymentId,
      // Set on every charged payment (the payments_charge_ref CHECK constraint).
      chargeId: stored.chargeRef as string,
      amountCents: stored.amountCents,
      idempotencyKey: `refund:${stored.orderId}`,
    });
    const row = ctx.transaction((tx, outbox) =>
      recordRefund(tx, outbox, { orderId: input.orderId, refundRef: refundId, reason: input.reason }),
    );
    return { orderId: input.orderId, status: "refunded" as const, payment: toPayment(row) };
  }),
);
