import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { UnavailableError } from "@bazaar/service-kit";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { CardProcessor, ChargeRequest, ChargeResult, RefundRequest } from "./card-processor.js";
import { simulatedCharges } from "./db/schema.js";
import type { PaymentsTx } from "./declaration.js";

/**
 * The well-known test tokens. Any other `tok_...` is a working card, like `tok_visa`, so demos and load
 * tests can use any token they like.
 */
export const TEST_TOKENS = {
  visa: "tok_visa",
  declined: "tok_chargeDeclined",
  /** Fails transiently on the first two charge attempts of an order, then succeeds. */
  processingError: "tok_processingError",
  /** Charges fine; every refund fails transiently (a compensation that needs an operator). */
  refundFails: "tok_refundFails",
  /**
   * Delayed settlement: the charge goes through but the answer to its first call is lost (UNAVAILABLE); it
   * lands `settlementDelayMs` after that call. A retry before then is UNAVAILABLE again, after it the charge.
   */
  settlesLate: "tok_settlesLate",
  /** The answer of every charge is lost (UNAVAILABLE) and none ever lands: nothing is charged. */
  lostInFlight: "tok_lostInFlight",
} as const;

const TRANSIENT_FAILURES = 2;

const ref = (prefix: string): string => `${prefix}_${randomBytes(12).toString("hex")}`;

type Attempt = ChargeResult | { readonly status: "unavailable" };
type LedgerRow = typeof simulatedCharges.$inferSelect;

export interface SimulatedProcessorOptions {
  readonly db: PaymentsTx;
  /** Added to every call. */
  readonly latencyMs: number;
  /** How long after its first (lost) answer a `tok_settlesLate` charge lands. */
  readonly settlementDelayMs?: number;
}

/**
 * `createSimulatedProcessor` behaves like a card provider's test mode. Its ledger lives in its own table and
 * is keyed by idempotency key, as a real provider dedupes: a key seen before returns the first outcome.
 * Every call first waits `latencyMs`. An attempt is recorded even when it fails, so the counters that drive
 * the transient failures survive the failure (which is why failures are returned from the transaction and
 * thrown after it commits).
 */
export function createSimulatedProcessor(options: SimulatedProcessorOptions): CardProcessor {
  const { db, latencyMs, settlementDelayMs = 0 } = options;

  /** A late charge whose time has come lands now: observers cannot tell it from one that landed on time. */
  function settle(tx: PaymentsTx, row: LedgerRow, now: string): LedgerRow {
    if (row.outcome || !row.settlesAt || row.settlesAt > now) return row;
    return (
      tx
        .update(simulatedCharges)
        .set({ outcome: "charged", chargeId: ref("ch"), updatedAt: now })
        .where(and(eq(simulatedCharges.idempotencyKey, row.idempotencyKey), isNull(simulatedCharges.outcome)))
        .returning()
        .get() ?? row
    );
  }

  function attemptCharge(tx: PaymentsTx, request: ChargeRequest): Attempt {
    const at = Date.now();
    const now = new Date(at).toISOString();
    const late = request.token === TEST_TOKENS.settlesLate;
    const inserted = tx
      .insert(simulatedCharges)
      .values({
        idempotencyKey: request.idempotencyKey,
        orderId: request.orderId,
        token: request.token,
        amountCents: request.amountCents,
        currency: request.currency,
        attempts: 1,
        settlesAt: late ? new Date(at + settlementDelayMs).toISOString() : null,
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: simulatedCharges.idempotencyKey,
        set: { attempts: sql`${simulatedCharges.attempts} + 1`, updatedAt: now },
      })
      .returning()
      .get();
    const row = settle(tx, inserted, now);
    // The first answer of a late charge is lost even when it settles at once.
    if (row.token === TEST_TOKENS.settlesLate && row.attempts === 1) return { status: "unavailable" };
    if (row.outcome === "charged" && row.chargeId) return { status: "charged", chargeId: row.chargeId };
    if (row.outcome === "declined") return declined();
    if (row.settlesAt || row.token === TEST_TOKENS.lostInFlight) return { status: "unavailable" };
    if (row.token === TEST_TOKENS.processingError && row.attempts <= TRANSIENT_FAILURES)
      return { status: "unavailable" };
    const outcome: ChargeResult = row.token === TEST_TOKENS.declined ? declined() : charged();
    tx.update(simulatedCharges)
      .set({ outcome: outcome.status, chargeId: outcome.status === "charged" ? outcome.chargeId : null })
      .where(eq(simulatedCharges.idempotencyKey, request.idempotencyKey))
      .run();
    return outcome;
  }

  function attemptRefund(tx: PaymentsTx, request: RefundRequest): { refundId: string } | undefined {
    const row = tx
      .update(simulatedCharges)
      .set({
        refundAttempts: sql`${simulatedCharges.refundAttempts} + 1`,
        updatedAt: new Date().toISOString(),
      })
      .where(eq(simulatedCharges.chargeId, request.chargeId))
      .returning()
      .get();
    // A refund of a charge this ledger never made is a bug in the caller, not a provider outage.
    if (!row) throw new Error(`the simulated processor has no charge ${request.chargeId}`);
    if (row.token === TEST_TOKENS.refundFails) return undefined;
    if (row.refundId) return { refundId: row.refundId };
    const refundId = ref("re");
    tx.update(simulatedCharges)
      .set({ refundId })
      .where(eq(simulatedCharges.chargeId, request.chargeId))
      .run();
    return { refundId };
  }

  return {
    name: "simulated",
    async charge(request) {
      await sleep(latencyMs);
      const attempt = db.transaction((tx) => attemptCharge(tx, request), { behavior: "immediate" });
      if (attempt.status === "unavailable")
        throw new UnavailableError(`the card processor failed to charge order ${request.orderId}; retry`, {
          reason: "PROCESSOR_ERROR",
        });
      return attempt;
    },
    async refund(request) {
      await sleep(latencyMs);
      const refunded = db.transaction((tx) => attemptRefund(tx, request), { behavior: "immediate" });
      if (!refunded)
        throw new UnavailableError(`the card processor failed to refund order ${request.orderId}; retry`, {
          reason: "REFUND_FAILED",
        });
      return refunded;
    },
    async find(idempotencyKey) {
      await sleep(latencyMs);
      const row = db.transaction(
        (tx) => {
          const found = tx
            .select()
            .from(simulatedCharges)
            .where(eq(simulatedCharges.idempotencyKey, idempotencyKey))
            .get();
          return found && settle(tx, found, new Date().toISOString());
        },
        { behavior: "immediate" },
      );
      if (row?.outcome === "charged" && row.chargeId) return { status: "charged", chargeId: row.chargeId };
      if (row?.outcome === "declined") return declined();
      return undefined;
    },
  };
}

function declined(): ChargeResult {
  return { status: "declined", reason: "CARD_DECLINED", message: "the card was declined" };
}

function charged(): ChargeResult {
  return { status: "charged", chargeId: ref("ch") };
}
