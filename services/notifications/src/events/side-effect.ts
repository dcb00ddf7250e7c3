import type { SubscriptionOptions } from "@bazaar/service-kit";

/**
 * `sideEffect` is how every notifications subscription is declared: the first time its durable is
 * created it starts at new messages, because a message is an email sent outside the system and a first
 * deployment must not send one for each event of the streams' history (30 days). Afterwards the durable
 * resumes where it left off, so events published while the service is down are still notified.
 */
export const sideEffect: SubscriptionOptions = { from: "new" };

/**
 * `learnsState` is the one exception, `user.registered`: it also teaches notifications each customer's
 * address, which it needs for every later message, so it reads the whole history (a user who registered
 * before the first deployment, or while its durables were being created, would otherwise never be
 * addressed and their messages would wait forever). Its side effect, the welcome, is sent only for a
 * recent registration (NOTIFY_WELCOME_MAX_AGE_MS).
 */
export const learnsState: SubscriptionOptions = { from: "start" };
