import { and, eq, isNull } from "drizzle-orm";
import { contacts, messages } from "./db/schema.js";
import type { NotificationsDb } from "./declaration.js";

export interface Contact {
  readonly userId: string;
  readonly email: string;
  readonly name: string;
}

/** `findContact` is the address notifications knows for a user, if any. */
export function findContact(tx: NotificationsDb, userId: string): Contact | undefined {
  return tx
    .select({ userId: contacts.userId, email: contacts.email, name: contacts.name })
    .from(contacts)
    .where(eq(contacts.userId, userId))
    .get();
}

/**
 * `rememberContact` stores (or refreshes) a user's address, then addresses the messages that were waiting
 * for it: events about a user can arrive before `user.registered` (each stream is consumed on its own),
 * and those messages are kept `pending` with no address until now. Returns how many were addressed.
 */
export function rememberContact(tx: NotificationsDb, contact: Contact): number {
  const updatedAt = new Date().toISOString();
  tx.insert(contacts)
    .values({ ...contact, updatedAt })
    .onConflictDoUpdate({
      target: contacts.userId,
      set: { email: contact.email, name: contact.name, updatedAt },
    })
    .run();
  return tx
    .update(messages)
    .set({ to: contact.email })
    .where(and(eq(messages.userId, contact.userId), eq(messages.status, "pending"), isNull(messages.to)))
    .run().changes;
}
