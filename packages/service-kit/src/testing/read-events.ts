import type { EnvelopeOf, EventContract, EventEnvelope } from "@bazaar/contracts";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { replayEvents } from "../events/replay.js";

/**
 * `readEvents` returns every event of a contract stored in its stream right now (oldest first), so a test
 * can assert what a service emitted, from the stream itself.
 */
export async function readEvents<E extends EventContract>(
  nc: NatsConnection,
  event: E,
  /** The system's partition count, when it runs with partitions: a keyed event is on every partition's subject. */
  options: { readonly partitions?: number } = {},
): Promise<Array<EnvelopeOf<E>>> {
  const out: EventEnvelope[] = [];
  try {
    await replayEvents({
      js: jetstream(nc),
      jsm: await jetstreamManager(nc),
      events: [event],
      ...(options.partitions ? { partitions: options.partitions } : {}),
      onEvent: (envelope) => {
        out.push(envelope);
      },
    });
  } catch (err) {
    if ((err as Error).message.includes("not found")) return [];
    throw err;
  }
  return out as Array<EnvelopeOf<E>>;
}
