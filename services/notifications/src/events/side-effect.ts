import type { SubscriptionOptions } from "@bazaar/service-kit";

/**
 * `sideEffect` is how every notifications subscription is declared: the first time its durable is
 * created it starts at new messages, because a message is an email sent outside the system and a first
 * deployment must not send one for each event of the streams' history (30 days). Afterwards the durable
 * resumes where it left off, so events published while the service is down are still notified. The price:
 * contacts are learned only from users registered after the first deployment.
 */
export const sideEffect: SubscriptionOptions = { from: "new" };
