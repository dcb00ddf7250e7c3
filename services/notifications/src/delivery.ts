import { and, asc, eq, isNotNull, lte, sql } from "drizzle-orm";
import { messages } from "./db/schema.js";
import type { NotificationsDb } from "./declaration.js";

/** A message the dispatcher can send now. */
export interface DueMessage {
  readonly id: string;
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  readonly attempts: number;
}

/**
 * `nextDue` is the oldest pending message that has an address and whose retry (if any) is due. Messages
 * waiting out a backoff are skipped, so one failing address does not hold up everyone else's mail.
 */
export function nextDue(db: NotificationsDb, now: number): DueMessage | undefined {
  const row = db
    .select({
      id: messages.id,
      to: messages.to,
      subject: messages.subject,
      body: messages.body,
      attempts: messages.attempts,
    })
    .from(messages)
    .where(and(eq(messages.status, "pending"), isNotNull(messages.to), lte(messages.nextAttemptAt, now)))
    .orderBy(asc(messages.seq))
    .limit(1)
    .get();
  // `to` is never null here (the query asks for an address); an empty one fails at the transport, as it should.
  return row ? { ...row, to: row.to ?? "" } : undefined;
}

/** `markSent` records a delivered message; `attempts` counts every send tried, the successful one included. */
export function markSent(db: NotificationsDb, id: string, messageId: string): void {
  db.update(messages)
    .set({
      status: "sent",
      sentAt: new Date().toISOString(),
      messageId,
      attempts: sql`${messages.attempts} + 1`,
    })
    .where(and(eq(messages.id, id), eq(messages.status, "pending")))
    .run();
}

export interface FailedAttempt {
  readonly message: DueMessage;
  readonly error: string;
  readonly maxAttempts: number;
  /** When to try again, if attempts are left. */
  readonly retryAt: number;
}

/**
 * `markAttemptFailed` records a failed send: the message waits until `retryAt`, or becomes `failed` once it
 * has used up its attempts. `last_error` keeps the latest error (also after a later success, as history).
 */
export function markAttemptFailed(db: NotificationsDb, attempt: FailedAttempt): "retrying" | "failed" {
  const attempts = attempt.message.attempts + 1;
  const outcome = attempts >= attempt.maxAttempts ? "failed" : "retrying";
  db.update(messages)
    .set({
      attempts,
      lastError: attempt.error.slice(0, 500),
      ...(outcome === "failed" ? { status: "failed" as const } : { nextAttemptAt: attempt.retryAt }),
    })
    .where(and(eq(messages.id, attempt.message.id), eq(messages.status, "pending")))
    .run();
  return outcome;
}
