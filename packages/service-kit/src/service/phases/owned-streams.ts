import { DEAD_LETTER_STREAM, type StreamContract } from "@bazaar/contracts";
import type { JetStreamManager } from "@nats-io/jetstream";
import { sleep } from "../../events/backoff.js";
import { ensureStream } from "../../events/streams.js";
import type { Logger } from "../../logging/logger.js";
import type { ServiceDefinition } from "../types.js";

/**
 * `ensureOwnedStreams` creates or updates the streams this service owns: those of the events it emits,
 * plus dead letters if it consumes. JetStream may still be electing its leader: each is retried a while.
 */
export async function ensureOwnedStreams(o: {
  readonly def: ServiceDefinition;
  readonly jsm: JetStreamManager;
  readonly replicas: number;
  readonly log: Logger;
}): Promise<void> {
  const owned = new Map<string, StreamContract>(o.def.emits.map((e) => [e.stream.name, e.stream]));
  if (o.def.consumes.length > 0) owned.set(DEAD_LETTER_STREAM.name, DEAD_LETTER_STREAM);
  for (const stream of owned.values()) {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await ensureStream(o.jsm, stream, { replicas: o.replicas });
        if (outcome !== "unchanged") o.log.info({ stream: stream.name, outcome }, "stream ensured");
        break;
      } catch (err) {
        if (attempt >= 30) throw err;
        o.log.warn({ err, stream: stream.name }, "JetStream not ready; retrying");
        await sleep(Math.min(2000, 100 * attempt));
      }
    }
  }
}
