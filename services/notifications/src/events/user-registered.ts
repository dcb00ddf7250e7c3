import { type EnvelopeOf, users } from "@bazaar/contracts";
import { rememberContact } from "../contacts.js";
import { notificationsService } from "../declaration.js";
import { notify, type Rendered } from "../notifications.js";
import { learnsState } from "./side-effect.js";

type Registered = EnvelopeOf<typeof users.userRegistered>["data"];

/** `welcomeMessage` greets a new customer. */
export function welcomeMessage(user: Registered): Rendered {
  return {
    subject: "Welcome to Bazaar",
    body: [
      `Hi ${user.name},`,
      "",
      `Welcome to Bazaar! Your account ${user.email} is ready, and your first order is a few clicks away.`,
      "",
      "The Bazaar team",
    ].join("\n"),
  };
}

/**
 * `onUserRegistered` learns the user's address, addresses the messages about this user that arrived
 * before it (in this event's transaction, so both commit or neither), and queues the welcome message
 * unless the registration is old history (read on a first deployment: see `learnsState`). Partitioned,
 * every partition learns the address (its messages need it), and the user id's own partition welcomes.
 */
export const onUserRegistered = notificationsService.on(
  users.userRegistered,
  (event, ctx) => {
    const { userId, email, name } = event.data;
    const addressed = rememberContact(ctx.tx, { userId, email, name });
    if (addressed > 0)
      ctx.log.info({ userId, addressed }, "addressed messages that were waiting for the contact");
    const age = Date.now() - Date.parse(event.occurredAt);
    if (!ctx.owns(userId)) return;
    if (age <= ctx.config.NOTIFY_WELCOME_MAX_AGE_MS)
      notify(ctx, { event, userId, to: email, ...welcomeMessage(event.data) });
    else ctx.log.info({ userId, ageMs: age }, "no welcome for a registration this old");
  },
  { ...learnsState, everyPartition: true },
);
