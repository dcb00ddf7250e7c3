import { createHash } from "node:crypto";
import type { notifications } from "@bazaar/contracts";
import { decodeCursor, keysetLimit, keysetPage, type Logger } from "@bazaar/service-kit";
import { and, desc, eq, lt, or } from "drizzle-orm";
import { findContact } from "./contacts.js";
import { messages } from "./db/schema.js";
import type { NotificationsDb } from "./declaration.js";

type Row = typeof messages.$inferSelect;
export type Notification = notifications.Notification;

/** What a message says: rendered once, when its event is applied, and never again. */
export interface Rendered {
  readonly subject: string;
  readonly body: string;
}

export interface NewNotification extends Rendered {
  readonly event: { readonly id: string; readonly type: string };
  readonly userId: string;
  /** The address when the event carries it; otherwise it comes from the user's contact, if known yet. */
  readonly to?: string;
}

/**
 * `notificationIdFor` derives a message's id from its event id (a UUIDv8 of a SHA-256), so the same event
 * always yields the same id and Message-ID, even if this service's database were rebuilt from the streams.
 */
export function notificationIdFor(eventId: string): string {
  const b = createHash("sha256").update(`notification:${eventId}`).digest().subarray(0, 16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x80;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** What recording a message did: queued for delivery, kept until the user's address is known, or nothing. */
export type RecordOutcome = "queued" | "awaiting_contact" | "duplicate";

/**
 * `nextCreatedAt` is now, or a millisecond after this file's last message when that is not earlier: the
 * list pages by `(created_at, id)` (a key every partition shares, unlike `seq`), so within a file the
 * times only grow and the list keeps the order the messages were made in, even within one batch.
 */
function nextCreatedAt(tx: NotificationsDb): string {
  const last = tx
    .select({ createdAt: messages.createdAt })
    .from(messages)
    .orderBy(desc(messages.seq))
    .limit(1)
    .get();
  const now = Date.now();
  const after = last ? Date.parse(last.createdAt) + 1 : now;
  return new Date(Math.max(now, after)).toISOString();
}

/**
 * `recordNotification` stores one `pending` message for an event, inside the transaction that applies the
 * event; the dispatcher delivers it after the commit. The UNIQUE `event_id` makes a second insert for the
 * same event a no-op, whatever path it came by.
 */
export function recordNotification(tx: NotificationsDb, n: NewNotification): RecordOutcome {
  const to = n.to ?? findContact(tx, n.userId)?.email ?? null;
  const inserted = tx
    .insert(messages)
    .values({
      id: notificationIdFor(n.event.id),
      eventId: n.event.id,
      eventType: n.event.type,
      userId: n.userId,
      to,
      subject: n.subject,
      body: n.body,
      createdAt: nextCreatedAt(tx),
    })
    .onConflictDoNothing({ target: messages.eventId })
    .returning({ seq: messages.seq })
    .get();
  if (!inserted) return "duplicate";
  return to === null ? "awaiting_contact" : "queued";
}

/** `notify` is what every event handler does: record the event's message, and say what became of it. */
export function notify(
  ctx: { readonly tx: NotificationsDb; readonly log: Logger },
  n: NewNotification,
): void {
  const outcome = recordNotification(ctx.tx, n);
  if (outcome === "awaiting_contact")
    ctx.log.info({ userId: n.userId }, "message kept until user.registered brings the address");
  else ctx.log.debug({ userId: n.userId, outcome }, "message recorded");
}

/** `toNotification` is the wire shape of a row; a message still waiting for its address has `to: ""`. */
export function toNotification(row: Row): Notification {
  return {
    id: row.id,
    userId: row.userId,
    channel: row.channel,
    to: row.to ?? "",
    subject: row.subject,
    body: row.body,
    eventType: row.eventType,
    eventId: row.eventId,
    status: row.status,
    createdAt: row.createdAt,
    sentAt: row.sentAt,
  };
}

/**
 * `listNotifications` pages through one user's messages, newest first. Keyset pagination on
 * `(created_at, id)` is stable while new messages arrive (each is created now, so ahead of every cursor):
 * a page never repeats or skips a row, and the same key merges the pages of every partition.
 */
export function listNotifications(
  db: NotificationsDb,
  page: { userId: string; cursor?: string | undefined; limit: number },
): { items: Notification[]; nextCursor: string | null } {
  const mine = eq(messages.userId, page.userId);
  const after = page.cursor ? (decodeCursor(page.cursor, 2) as [string, string]) : undefined;
  const rows = db
    .select()
    .from(messages)
    .where(
      after
        ? and(
            mine,
            or(
              lt(messages.createdAt, after[0]),
              and(eq(messages.createdAt, after[0]), lt(messages.id, after[1])),
            ),
          )
        : mine,
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(keysetLimit(page.limit))
    .all();
  return keysetPage({
    rows,
    limit: page.limit,
    key: (row) => [row.createdAt, row.id],
    toItem: toNotification,
  });
}
