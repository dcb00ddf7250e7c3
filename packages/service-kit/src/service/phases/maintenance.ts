import type { Inbox } from "../../events/inbox.js";
import type { Logger } from "../../logging/logger.js";
import type { IdempotencyStore } from "../../store/idempotency.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/**
 * `startMaintenance` prunes, hourly, the inbox (kept longer than the services' streams keep messages, 30
 * days: a dead letter replayed after that is addressed to the consumer that failed it, so others do not
 * apply it again) and the stored idempotent responses. Returns its stop.
 */
export function startMaintenance(o: {
  readonly inbox: Inbox | undefined;
  readonly idempotency: IdempotencyStore | undefined;
  readonly log: Logger;
}): () => void {
  const { inbox, idempotency } = o;
  if (!inbox) return () => undefined;
  const timer = setInterval(() => {
    try {
      inbox.prune(120 * DAY);
      idempotency?.prune(7 * DAY);
    } catch (err) {
      o.log.warn({ err }, "inbox prune failed");
    }
  }, HOUR).unref();
  return () => clearInterval(timer);
}
