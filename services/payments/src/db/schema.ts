import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One payment per order: the primary key on `order_id` is what makes a charge idempotent. Declines are
 * stored too (status `failed`), so a repeated charge gets the same answer instead of trying the card again.
 */
export const paymentRecords = sqliteTable(
  "payments",
  {
    orderId: text("order_id").primaryKey(),
    paymentId: text("payment_id").notNull().unique(),
    userId: text("user_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: ["completed", "failed", "refunded"] }).notNull(),
    /** Why a charge failed (CARD_DECLINED); null otherwise. */
    failureReason: text("failure_reason"),
    /** The processor's reference of the charge (null for a decline): what a refund names. */
    chargeRef: text("charge_ref"),
    /** The processor's reference of the refund, once refunded. */
    refundRef: text("refund_ref"),
    refundReason: text("refund_reason"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    check("payments_amount", sql`${t.amountCents} > 0`),
    // A payment that was charged always names its charge: refunds depend on it.
    check("payments_charge_ref", sql`${t.status} = 'failed' OR ${t.chargeRef} IS NOT NULL`),
    index("payments_status").on(t.status),
    index("payments_user").on(t.userId),
  ],
);

/**
 * The simulated card processor's own ledger. It stands in for the provider's records (and is unused with a
 * real provider): charges keyed by idempotency key, so a repeated key never charges twice, and attempt
 * counters that drive the test tokens' transient failures.
 */
export const simulatedCharges = sqliteTable(
  "simulated_charges",
  {
    idempotencyKey: text("idempotency_key").primaryKey(),
    orderId: text("order_id").notNull(),
    token: text("token").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    /** Charge calls received with this key, failed ones included. */
    attempts: integer("attempts").notNull(),
    /** Null while the charge has only failed transiently. */
    outcome: text("outcome", { enum: ["charged", "declined"] }),
    chargeId: text("charge_id").unique(),
    /** Refund calls received for this charge, failed ones included. */
    refundAttempts: integer("refund_attempts").notNull().default(0),
    refundId: text("refund_id"),
    /**
     * When a charge whose answer was lost lands (the delayed-settlement test token); null for a charge that
     * lands with its answer. Until then the charge has no outcome; once the time has passed it is charged.
     */
    settlesAt: text("settles_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("simulated_charges_order").on(t.orderId)],
);

/**
 * Orders refunded before any charge was recorded. A saga compensates a charge that timed out without
 * knowing whether it ran; if the charge request is still on its way, it must not charge afterwards. This
 * row makes such a late charge a refusal instead of money taken for a cancelled order.
 */
export const voidedOrders = sqliteTable("voided_orders", {
  orderId: text("order_id").primaryKey(),
  reason: text("reason"),
  voidedAt: text("voided_at").notNull(),
});

/**
 * A charge sent to the processor whose answer is not recorded yet. Written before the call and removed with
 * the recorded outcome, so a crash in between leaves a trace: a later refund asks the processor what
 * happened to `charge:<orderId>` instead of assuming nothing was charged.
 */
export const chargeIntents = sqliteTable("charge_intents", {
  orderId: text("order_id").primaryKey(),
  userId: text("user_id").notNull(),
  amountCents: integer("amount_cents").notNull(),
  currency: text("currency").notNull(),
  createdAt: text("created_at").notNull(),
});

/**
 * A charge in doubt: a refund found a charge sent to the processor whose outcome nobody recorded, and the
 * processor had no answer for it either. The charge may still be in flight and land later, so the order is
 * voided (no new charge goes through) and reconciliation asks the processor again until it reports the
 * charge (which is then recorded and refunded) or its idempotency window has passed with no charge (no money
 * moved). Resolved rows stay as the record of what happened.
 */
export const chargesInDoubt = sqliteTable(
  "charges_in_doubt",
  {
    orderId: text("order_id").primaryKey(),
    userId: text("user_id").notNull(),
    amountCents: integer("amount_cents").notNull(),
    currency: text("currency").notNull(),
    /** The reason the refund gave, kept for the refund reconciliation makes. */
    reason: text("reason"),
    /** When the refund found the charge in doubt; the idempotency window is counted from here. */
    since: text("since").notNull(),
    /** How often the processor was asked about the charge since. */
    checks: integer("checks").notNull().default(0),
    checkedAt: text("checked_at"),
    /** Null while in doubt; `refunded` (the charge landed) or `not_charged` (no money moved) once settled. */
    outcome: text("outcome", { enum: ["refunded", "not_charged"] }),
    resolvedAt: text("resolved_at"),
  },
  (t) => [index("charges_in_doubt_outcome").on(t.outcome)],
);

export const schema = { paymentRecords, simulatedCharges, voidedOrders, chargeIntents, chargesInDoubt };
