import { DEAD_LETTER_STREAM, EVENT_PREFIX, eventPartitionSubject } from "@bazaar/contracts";
import { deadLetterFilter } from "../events/dead-letters.js";
import { HEALTH_SUBJECT } from "../service/health-wiring.js";
import type { ServiceDefinition } from "../service/types.js";
import { js } from "./jetstream-subjects.js";

/** What the admin API needs besides its service's own declaration. */
export interface AdminGrants {
  readonly publish: readonly string[];
  readonly subscribe: readonly string[];
}

/**
 * `adminApiGrants` is what the operator's admin API (the gateway's `/api/admin`, which the console uses)
 * does on the broker itself rather than through RPCs: find the running instances (`$SRV.*`, `sys.health`),
 * describe streams and consumers (read only), tail every event and dead letter, and list, replay and
 * discard dead letters. A replay republishes an event on its original subject, so the grant lists every
 * declared event subject; it never creates, deletes or purges a stream, and answers no one's RPCs.
 */
export function adminApiGrants(services: readonly ServiceDefinition[]): AdminGrants {
  const dl = DEAD_LETTER_STREAM.name;
  const replayable = services.flatMap((s) =>
    s.emits.flatMap((e) => (e.partitionKey ? [e.subject, eventPartitionSubject(e, "*")] : [e.subject])),
  );
  return {
    publish: [
      "$SRV.PING",
      "$SRV.INFO",
      "$SRV.STATS",
      HEALTH_SUBJECT,
      js.streamList,
      js.streamNames,
      js.streamInfo("*"),
      js.consumerList("*"),
      js.consumerNames("*"),
      js.consumerInfo("*", "*"),
      js.msgGet(dl),
      js.msgDelete(dl),
      // Reading the dead letters: ephemeral ordered reads (no service has a durable on this stream).
      js.consumerCreate(dl, "*"),
      `${js.consumerCreate(dl, "*")}.>`,
      js.next(dl, "*"),
      js.consumerDelete(dl, "*"),
      ...replayable,
    ],
    subscribe: [`${EVENT_PREFIX}.>`, deadLetterFilter()],
  };
}
