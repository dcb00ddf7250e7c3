import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Who to write to, learned from `user.registered`: notifications never call the users service, so it keeps
 * its own copy of each user's address.
 */
export const contacts = sqliteTable("contacts", {
  userId: text("user_id").primaryKey(),
  email: text("email").notNull(),
  name: text("name").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/**
 * One row per event that concerns a user: the rendered message and its delivery state. The row is the
 * record of what was sent (the `store` transport keeps nothing else).
 *
 * - `seq` only grows (AUTOINCREMENT never reuses a value): it orders delivery within a file.
 * - The list pages by `(created_at, id)`, which, unlike `seq`, orders messages across partitions' files.
 * - `event_id` is UNIQUE, so a replay of the same event can never create a second message.
 * - `to_address` is null while the user's contact is unknown; `user.registered` fills it in.
 * - `next_attempt_at` (epoch ms) holds a failed delivery back until its retry is due.
 */
export const messages = sqliteTable(
  "notifications",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull().unique(),
    eventId: text("event_id").notNull().unique(),
    eventType: text("event_type").notNull(),
    userId: text("user_id").notNull(),
    channel: text("channel", { enum: ["email"] })
      .notNull()
      .default("email"),
    to: text("to_address"),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: integer("next_attempt_at").notNull().default(0),
    /** What the transport answered, e.g. the SMTP server's Message-ID. */
    messageId: text("message_id"),
    createdAt: text("created_at").notNull(),
    sentAt: text("sent_at"),
  },
  (t) => [
    check("notifications_status", sql`${t.status} IN ('pending', 'sent', 'failed')`),
    check("notifications_attempts", sql`${t.attempts} >= 0`),
    check("notifications_sent_at", sql`(${t.status} = 'sent') = (${t.sentAt} IS NOT NULL)`),
    index("notifications_user").on(t.userId, t.seq),
    index("notifications_user_created").on(t.userId, t.createdAt, t.id),
    // The dispatcher's queue: only pending rows, in delivery order.
    index("notifications_pending").on(t.seq).where(sql`${t.status} = 'pending'`),
  ],
);

export const schema = { contacts, messages };
