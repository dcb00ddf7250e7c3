import { and, asc, count, eq, isNull, min, sql } from "drizzle-orm";
import { chargeIntents, chargesInDoubt } from "./db/schema.js";
import type { PaymentsTx } from "./declaration.js";
import type { ChargeIntent } from "./payments.js";

export type ChargeInDoubt = typeof chargesInDoubt.$inferSelect;
export type DoubtOutcome = NonNullable<ChargeInDoubt["outcome"]>;

export function findDoubt(tx: PaymentsTx, orderId: string): ChargeInDoubt | undefined {
  return tx.select().from(chargesInDoubt).where(eq(chargesInDoubt.orderId, orderId)).get();
}

/** The charge a doubt is about, as it was sent: what gets recorded if the processor reports it. */
export function intentOf(doubt: ChargeInDoubt): ChargeIntent {
  const { orderId, userId, amountCents, currency } = doubt;
  return { orderId, userId, amountCents, currency };
}

/**
 * `holdInDoubt` notes that the processor had no answer for this charge (now or again). The first time, the
 * charge intent becomes a charge in doubt; every time, the check is counted. Returns the doubt as stored.
 */
export function holdInDoubt(
  tx: PaymentsTx,
  doubt: { intent: ChargeIntent; reason: string | undefined; at: string },
): ChargeInDoubt {
  const { intent, reason, at } = doubt;
  tx.insert(chargesInDoubt)
    .values({ ...intent, reason: reason ?? null, since: at })
    .onConflictDoNothing()
    .run();
  tx.delete(chargeIntents).where(eq(chargeIntents.orderId, intent.orderId)).run();
  return tx
    .update(chargesInDoubt)
    .set({ checks: sql`${chargesInDoubt.checks} + 1`, checkedAt: at })
    .where(eq(chargesInDoubt.orderId, intent.orderId))
    .returning()
    .get() as ChargeInDoubt;
}

/** `resolveDoubt` settles an open doubt; false when there was none (nothing in doubt, or settled before). */
export function resolveDoubt(tx: PaymentsTx, orderId: string, outcome: DoubtOutcome): boolean {
  const resolved = tx
    .update(chargesInDoubt)
    .set({ outcome, resolvedAt: new Date().toISOString() })
    .where(and(eq(chargesInDoubt.orderId, orderId), isNull(chargesInDoubt.outcome)))
    .returning({ orderId: chargesInDoubt.orderId })
    .get();
  return resolved !== undefined;
}

/** Open doubts, the longest unchecked first, so a batch limit never starves any of them. */
export function openDoubts(tx: PaymentsTx, limit: number): ChargeInDoubt[] {
  return tx
    .select()
    .from(chargesInDoubt)
    .where(isNull(chargesInDoubt.outcome))
    .orderBy(asc(chargesInDoubt.checkedAt))
    .limit(limit)
    .all();
}

/** What the metrics show: open doubts and the oldest of them, and settled ones by outcome. */
export function doubtStats(tx: PaymentsTx): {
  open: number;
  oldestSince: string | null;
  resolved: Record<DoubtOutcome, number>;
} {
  const rows = tx
    .select({ outcome: chargesInDoubt.outcome, n: count(), oldest: min(chargesInDoubt.since) })
    .from(chargesInDoubt)
    .groupBy(chargesInDoubt.outcome)
    .all();
  const open = rows.find((r) => r.outcome === null);
  return {
    open: open?.n ?? 0,
    oldestSince: open?.oldest ?? null,
    resolved: {
      refunded: rows.find((r) => r.outcome === "refunded")?.n ?? 0,
      not_charged: rows.find((r) => r.outcome === "not_charged")?.n ?? 0,
    },
  };
}
