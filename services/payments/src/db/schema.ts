import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One payment per order: the primary key on `order_id` is what makes a charge idempotent. Declines are
 * stored too (status `failed`), so a repeated charge gets the same answer instead of trying the card again.
 */
export const payments = sqliteTable(
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

export const schema = { payments, simulatedCharges, voidedOrders, chargeIntents };
