import { payments } from "@bazaar/contracts";
import { paymentsService } from "../declaration.js";
import { withOrderLock } from "../order-lock.js";
import { refundOrder } from "../refund-order.js";

/**
 * A refund is idempotent: an order that was never charged (or whose card was declined) is `not_charged`,
 * a refunded one answers `refunded` without calling the processor again, and a charge whose outcome nobody
 * knows yet is `in_doubt` (the order is voided and reconciliation refunds the charge if it lands; see
 * `refundOrder`). It shares the charge's order lock, so a refund that arrives while the charge is still
 * with the processor waits and then refunds it.
 */
export const refund = paymentsService.handle(payments.refund, (input, ctx) =>
  withOrderLock(input.orderId, () =>
    refundOrder(
      {
        db: ctx.db,
        transaction: ctx.transaction,
        processor: ctx.deps.processor,
        log: ctx.log,
        windowMs: ctx.config.PAYMENT_RECONCILE_WINDOW_MS,
      },
      input.orderId,
      input.reason,
    ),
  ),
);
