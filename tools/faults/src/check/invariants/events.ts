import { DEAD_LETTER_STREAM, subjectMatches } from "@bazaar/contracts";
import type { SystemInvariant } from "../check-context.js";
import { type Violation, violation } from "../violation.js";

/**
 * Every event a service recorded is in its stream once: an event id twice in a stream is a duplicate the
 * stream's dedupe window missed (consumers would still apply it once, but a replay or a new consumer
 * would count it twice), and an event the outbox marked published that is not there was lost on the way.
 */
export const eventsExactlyOnce: SystemInvariant = {
  name: "events-exactly-once",
  description:
    "every event id is in its stream at most once, and every event an outbox marked published is in the stream that captures its subject",
  check({ final }) {
    const out: Violation[] = [];
    const seen = new Map<string, Map<string, number>>();
    for (const stream of final.streams) {
      if (stream.name === DEAD_LETTER_STREAM.name) continue;
      const ids = new Map<string, number>();
      seen.set(stream.name, ids);
      for (const m of stream.messages) {
        if (m.eventId === null) continue;
        const count = (ids.get(m.eventId) ?? 0) + 1;
        ids.set(m.eventId, count);
        if (count === 2)
          out.push(violation(this.name, m.eventId, `event ${m.eventId} is in ${stream.name} more than once`));
      }
    }
    const streams = final.streams.filter((s) => s.name !== DEAD_LETTER_STREAM.name);
    for (const store of final.stores) {
      for (const event of store.publishedEvents) {
        const found = streams.some((s) => (seen.get(s.name)?.get(event.eventId) ?? 0) > 0);
        if (!found)
          out.push(
            violation(
              this.name,
              event.eventId,
              `${store.service} marked event ${event.eventId} (${event.subject}) published, but no stream holds it`,
            ),
          );
      }
    }
    return out;
  },
};

/** Nothing is left behind in an outbox at the end: every recorded event was published. */
export const outboxesDrained: SystemInvariant = {
  name: "outboxes-drained",
  description: "no service's outbox holds an unpublished or parked event once the system is quiet",
  check({ final }) {
    return final.stores.flatMap((store) => {
      const left = store.outboxUnpublished + store.outboxParked;
      return left === 0
        ? []
        : [
            violation(
              this.name,
              store.service,
              `${store.service}'s outbox still holds ${store.outboxUnpublished} unpublished and ${store.outboxParked} parked events`,
            ),
          ];
    });
  },
};

/** Every durable consumer read and acknowledged everything meant for it. */
export const consumersCaughtUp: SystemInvariant = {
  name: "consumers-caught-up",
  description:
    "every durable consumer has nothing left to deliver and nothing unacknowledged once the system is quiet",
  check({ final }) {
    return final.consumers
      .filter((c) => c.pending > 0 || c.ackPending > 0)
      .map((c) =>
        violation(
          this.name,
          `${c.stream}/${c.name}`,
          `consumer ${c.name} on ${c.stream} has ${c.pending} undelivered and ${c.ackPending} unacknowledged messages`,
        ),
      );
  },
};

/** `consumersOf` are the durables whose filter takes a subject. */
export function consumersOf(
  consumers: ReadonlyArray<{
    readonly stream: string;
    readonly name: string;
    readonly filterSubject: string;
  }>,
  stream: string,
  subject: string,
) {
  return consumers.filter((c) => c.stream === stream && subjectMatches(c.filterSubject, subject));
}
