import { randomUUID } from "node:crypto";
import { payments } from "@bazaar/contracts";
import { ConflictError, NotFoundError, UnprocessableError } from "@bazaar/service-kit";
import { and, eq } from "drizzle-orm";
import type { ChargeResult } from "./card-processor.js";
import { chargeIntents, paymentRecords, voidedOrders } from "./db/schema.js";
import type { PaymentsOutbox, PaymentsTx } from "./declaration.js";

type PaymentRow = typeof paymentRecords.$inferSelect;
export type Payment = payments.Payment;

/** What a charge asks for; the payment token is not kept. */
export interface ChargeIntent {
  readonly orderId: string;
  readonly userId: string;
  readonly amountCents: number;
  readonly currency: string;
}

/** `toPayment` is the wire shape of a row: processor references stay inside the service. */
export function toPayment(row: PaymentRow): Payment {
  return {
    paymentId: row.paymentId,
    orderId: row.orderId,
    userId: row.userId,
    amountCents: row.amountCents,
    currency: row.currency,
    status: row.status,
    failureReason: row.failureReason,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function findPayment(tx: PaymentsTx, orderId: string): PaymentRow | undefined {
  return tx.select().from(paymentRecords).where(eq(paymentRecords.orderId, orderId)).get();
}

export function getPayment(tx: PaymentsTx, orderId: string): Payment {
  const row = findPayment(tx, orderId);
  if (!row) throw new NotFoundError(`no payment for order ${orderId}`);
  return toPayment(row);
}

/** Zero is a valid amount for the `Cents` schema, but charging nothing is not a charge. */
export function checkAmount(amountCents: number): void {
  if (amountCents <= 0)
    throw new UnprocessableError(`cannot charge ${amountCents} cents: the amount must be positive`, {
      reason: "INVALID_AMOUNT",
    });
}

/**
 * `answerCharge` is the answer a stored payment gives to a charge: the payment itself, or, for a stored
 * decline, the same UNPROCESSABLE error every time. A charge for the same order with another user, amount or
 * currency is not a retry, so it is refused rather than answered with a payment it did not ask for.
 */
export function answerCharge(row: PaymentRow, intent: ChargeIntent): Payment {
  if (
    row.userId !== intent.userId ||
    row.amountCents !== intent.amountCents ||
    row.currency !== intent.currency
  )
    throw new ConflictError(
      `order ${row.orderId} was already charged ${row.amountCents} ${row.currency} for another request`,
      { reason: "CHARGE_MISMATCH", details: { amountCents: row.amountCents, currency: row.currency } },
    );
  if (row.status === "failed")
    throw new UnprocessableError(`the card was declined for order ${row.orderId}`, {
      reason: row.failureReason ?? "CARD_DECLINED",
    });
  return toPayment(row);
}

/**
 * `recordCharge` stores the processor's answer and emits its event in the same transaction. The order's
 * primary key is the last guard against a double charge: if another request stored a payment first (another
 * instance, say), that one is kept, nothing is emitted, and the caller gets the stored payment.
 */
export function recordCharge(
  tx: PaymentsTx,
  outbox: PaymentsOutbox,
  intent: ChargeIntent,
  result: ChargeResult,
): PaymentRow {
  const now = new Date().toISOString();
  const inserted = tx
    .insert(paymentRecords)
    .values({
      orderId: intent.orderId,
      paymentId: randomUUID(),
      userId: intent.userId,
      amountCents: intent.amountCents,
      currency: intent.currency,
      status: result.status === "charged" ? "completed" : "failed",
      failureReason: result.status === "declined" ? result.reason : null,
      chargeRef: result.status === "charged" ? result.chargeId : null,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing({ target: paymentRecords.orderId })
    .returning()
    .get();
  tx.delete(chargeIntents).where(eq(chargeIntents.orderId, intent.orderId)).run();
  if (!inserted) return findPayment(tx, intent.orderId) as PaymentRow;
  const { orderId, userId, amountCents, currency } = inserted;
  if (result.status === "charged")
    outbox.emit(
      payments.paymentCompleted,
      { orderId, paymentId: inserted.paymentId, userId, amountCents, currency },
      { aggregate: orderId },
    );
  else
    outbox.emit(
      payments.paymentFailed,
      { orderId, userId, amountCents, currency, reason: result.reason },
      { aggregate: orderId },
    );
  return inserted;
}

/** `recordRefund` marks a completed payment refunded and emits payment.refunded, once. */
export function recordRefund(
  tx: PaymentsTx,
  outbox: PaymentsOutbox,
  refund: { orderId: string; refundRef: string; reason?: string | undefined },
): PaymentRow {
  const updated = tx
    .update(paymentRecords)
    .set({
      status: "refunded",
      refundRef: refund.refundRef,
      refundReason: refund.reason ?? null,
      updatedAt: new Date().toISOString(),
    })
    .where(and(eq(paymentRecords.orderId, refund.orderId), eq(paymentRecords.status, "completed")))
    .returning()
    .get();
  if (!updated) return findPayment(tx, refund.orderId) as PaymentRow;
  outbox.emit(
    payments.paymentRefunded,
    {
      orderId: updated.orderId,
      paymentId: updated.paymentId,
      userId: updated.userId,
      amountCents: updated.amountCents,
      currency: updated.currency,
    },
    { aggregate: updated.orderId },
  );
  return updated;
}

/** `voidOrder` records that an order was refunded before it was charged (idempotent). */
export function voidOrder(tx: PaymentsTx, orderId: string, reason: string | undefined): void {
  tx.insert(voidedOrders)
    .values({ orderId, reason: reason ?? null, voidedAt: new Date().toISOString() })
    .onConflictDoNothing()
    .run();
}

/** A charge for a voided order is refused: its saga already gave up on it and compensated. */
export function refuseIfVoided(tx: PaymentsTx, orderId: string): void {
  const voided = tx.select().from(voidedOrders).where(eq(voidedOrders.orderId, orderId)).get();
  if (voided) {
    throw new ConflictError(`order ${orderId} was cancelled before it was charged`, {
      reason: "ORDER_VOIDED",
    });
  }
}

/** `recordIntent` notes a charge about to be sent to the processor (see `chargeIntents`). */
export function recordIntent(tx: PaymentsTx, intent: ChargeIntent): void {
  tx.insert(chargeIntents)
    .values({ ...intent, createdAt: new Date().toISOString() })
    .onConflictDoNothing()
    .run();
}

/** `findIntent` is a charge that was sent but whose answer was never recorded (a crash in between). */
export function findIntent(tx: PaymentsTx, orderId: string): ChargeIntent | undefined {
  const row = tx.select().from(chargeIntents).where(eq(chargeIntents.orderId, orderId)).get();
  return (
    row && { orderId: row.orderId, userId: row.userId, amountCents: row.amountCents, currency: row.currency }
  );
}
