import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { type DeadLetter, EDITED_AT_HEADER, EDITED_BY_HEADER } from "./dead-letter-decode.js";
import type { RawLetter } from "./dead-letter-reader.js";
import { REPLAY_FOR_HEADER } from "./dead-letter-writer.js";
import { isNotFound } from "./streams.js";

export interface ReplayResult {
  readonly id: number;
  readonly subject: string;
  readonly eventId: string | undefined;
  /** Sequence of the republished message in its original stream. */
  readonly streamSeq: number;
}

export interface RepublishOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** The dead-letter stream's name. */
  readonly stream: string;
  readonly raw: RawLetter;
  readonly letter: DeadLetter;
  /** A new body (an edited event); default: the original bytes. */
  readonly body?: Uint8Array;
  /** Headers to set on top of the original ones (an edit's author and time). */
  readonly extraHeaders?: Readonly<Record<string, string>>;
  /** What sets this publish apart in the duplicate window: `replay` or `edit`. */
  readonly kind: "replay" | "edit";
}

/**
 * `republish` sends a dead letter back to its original subject with its original headers (not the
 * dead-letter ones), addressed to the consumer that gave up on it (`REPLAY_FOR_HEADER`), then removes it
 * from the dead-letter stream. Its `Nats-Msg-Id` is new (the original one is inside the stream's duplicate
 * window only for two minutes, and a second replay must not be dropped as the first one's duplicate).
 */
export async function republish(o: RepublishOptions): Promise<ReplayResult> {
  const { raw, letter } = o;
  const h = natsHeaders();
  for (const [key, values] of raw.headers ?? []) {
    if (key.startsWith("Bazaar-Dlq-") || key.startsWith("Nats-") || key === REPLAY_FOR_HEADER) continue;
    if (o.extraHeaders && Object.hasOwn(o.extraHeaders, key)) continue;
    // A new edit replaces an earlier one's record (an edited event that failed again) as a whole.
    if (o.kind === "edit" && (key === EDITED_BY_HEADER || key === EDITED_AT_HEADER)) continue;
    for (const value of values) h.append(key, value);
  }
  for (const [key, value] of Object.entries(o.extraHeaders ?? {})) h.set(key, value);
  h.set("Bazaar-Replayed-From", `${o.stream}:${raw.seq}`);
  if (letter.consumer) h.set(REPLAY_FOR_HEADER, letter.consumer);
  const ack = await o.js.publish(letter.subject, o.body ?? raw.data, {
    headers: h,
    msgID: `${letter.eventId ?? letter.stream}:${o.kind}:${raw.seq}`,
  });
  try {
    await o.jsm.streams.deleteMessage(o.stream, raw.seq, false);
  } catch (err) {
    // Someone else replayed or discarded it meanwhile: it is gone, as it should be after this replay.
    if (!isNotFound(err)) throw err;
  }
  return { id: raw.seq, subject: letter.subject, eventId: letter.eventId, streamSeq: ack.seq };
}
