import type { payments, RpcResponse } from "@bazaar/contracts";
import type { Logger } from "@bazaar/service-kit";
import type { CardProcessor } from "./card-processor.js";
import { type DoubtOutcome, findDoubt, holdInDoubt, intentOf, resolveDoubt } from "./charges-in-doubt.js";
import type { PaymentsTransaction, PaymentsTx } from "./declaration.js";
import {
  type ChargeIntent,
  findIntent,
  findPayment,
  recordCharge,
  recordRefund,
  toPayment,
  voidOrder,
} from "./payments.js";

export type RefundAnswer = RpcResponse<typeof payments.refund>;

/** What refunding needs: the refund RPC and reconciliation pass the same. */
export interface RefundDeps {
  readonly db: PaymentsTx;
  readonly transaction: PaymentsTransaction;
  readonly processor: CardProcessor;
  readonly log: Logger;
  /** The processor's idempotency window: a charge it does not know after this never went through. */
  readonly windowMs: number;
}

/**
 * `refundOrder` brings an order to "no money kept", once, and says where it stands: `refunded`, `not_charged`
 * (never charged, declined, or a doubt settled with no money moved) or `in_doubt`. A charge sent to the
 * processor with no recorded outcome is asked about: one the processor reports is recorded and refunded;
 * one it does not know may still be in flight, so the order is voided (no new charge goes through) and the
 * charge stays in doubt until the processor reports it or its idempotency window has passed. The refund RPC
 * and reconciliation both call this, under the order's lock.
 */
export async function refundOrder(
  deps: RefundDeps,
  orderId: string,
  reason: string | undefined,
): Promise<RefundAnswer> {
  const { db, transaction, processor } = deps;
  let stored = findPayment(db, orderId);
  if (!stored) {
    const doubt = findDoubt(db, orderId);
    if (doubt?.outcome === "not_charged") return { orderId, status: "not_charged", payment: null };
    const pending = findIntent(db, orderId) ?? (doubt ? intentOf(doubt) : undefined);
    if (!pending) {
      // Nothing to refund; remember it so a charge that arrives late cannot take the money.
      transaction((tx) => voidOrder(tx, orderId, reason));
      return { orderId, status: "not_charged", payment: null };
    }
    // A charge went to the processor and its outcome was never recorded: ask the processor.
    const outcome = await processor.find(`charge:${orderId}`);
    if (!outcome) return holdOrSettle(deps, { orderId, reason, pending });
    stored = transaction((tx, outbox) => recordCharge(tx, outbox, pending, outcome));
  }
  if (stored.status === "failed") {
    settle(deps, orderId, "not_charged");
    return { orderId, status: "not_charged", payment: toPayment(stored) };
  }
  if (stored.status === "refunded") {
    settle(deps, orderId, "refunded");
    return { orderId, status: "refunded", payment: toPayment(stored) };
  }
  const { refundId } = await processor.refund({
    orderId: stored.orderId,
    paymentId: stored.paymentId,
    // Set on every charged payment (the payments_charge_ref CHECK constraint).
    chargeId: stored.chargeRef as string,
    amountCents: stored.amountCents,
    idempotencyKey: `refund:${stored.orderId}`,
  });
  let settled = false;
  const row = transaction((tx, outbox) => {
    const refunded = recordRefund(tx, outbox, { orderId, refundRef: refundId, reason });
    settled = resolveDoubt(tx, orderId, "refunded");
    return refunded;
  });
  if (settled) logSettled(deps, orderId, "refunded");
  return { orderId, status: "refunded", payment: toPayment(row) };
}

/**
 * The processor knows nothing of the charge: void the order and keep the charge in doubt, or, once the
 * idempotency window since the doubt began has passed, settle it as no money moved.
 */
function holdOrSettle(
  deps: RefundDeps,
  doubt: { orderId: string; reason: string | undefined; pending: ChargeIntent },
): RefundAnswer {
  const { orderId, reason, pending } = doubt;
  const at = new Date();
  const outcome = deps.transaction((tx) => {
    voidOrder(tx, orderId, reason);
    const held = holdInDoubt(tx, { intent: pending, reason, at: at.toISOString() });
    if (at.getTime() - Date.parse(held.since) < deps.windowMs) return { held, settled: false };
    return { held, settled: resolveDoubt(tx, orderId, "not_charged") };
  });
  if (outcome.settled) {
    logSettled(deps, orderId, "not_charged");
    return { orderId, status: "not_charged", payment: null };
  }
  if (outcome.held.checks === 1)
    deps.log.warn(
      { orderId, amountCents: pending.amountCents, currency: pending.currency },
      "charge in doubt: the processor has no outcome for it yet; the order is voided and reconciliation will settle it",
    );
  return { orderId, status: "in_doubt", payment: null };
}

/** Settles an open doubt whose payment already says how it ended (recorded by another path). */
function settle(deps: RefundDeps, orderId: string, outcome: DoubtOutcome): void {
  if (findDoubt(deps.db, orderId)?.outcome !== null) return;
  if (deps.transaction((tx) => resolveDoubt(tx, orderId, outcome))) logSettled(deps, orderId, outcome);
}

function logSettled(deps: RefundDeps, orderId: string, outcome: DoubtOutcome): void {
  if (outcome === "refunded")
    deps.log.warn({ orderId, outcome }, "charge in doubt settled: it had landed after all, and is refunded");
  else deps.log.info({ orderId, outcome }, "charge in doubt settled: it never landed, no money moved");
}
