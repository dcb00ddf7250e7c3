import { DEAD_LETTER_STREAM } from "@bazaar/contracts";
import type { JetStreamClient, JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { NotFoundError } from "../errors/app-error.js";
import { H } from "../nats/headers.js";
import { type RawLetter, readNewest, readRange } from "./dead-letter-reader.js";
import { REPLAY_FOR_HEADER } from "./dead-letter-writer.js";
import { isNotFound } from "./streams.js";

/** A message a consumer gave up on, as the replay API shows it. */
export interface DeadLetter {
  /** Its sequence in the dead-letter stream: the id to replay it by. */
  readonly id: number;
  readonly service: string;
  readonly consumer: string;
  readonly stream: string;
  readonly subject: string;
  readonly sequence: number;
  readonly deliveries: number;
  readonly reason: string;
  readonly error: string;
  readonly failedAt: string;
  readonly eventId: string | undefined;
  readonly eventType: string | undefined;
  /** The original payload (parsed JSON when it is JSON, else the raw text). */
  readonly payload: unknown;
}

export interface ReplayResult {
  readonly id: number;
  readonly subject: string;
  readonly eventId: string | undefined;
  /** Sequence of the republished message in its original stream. */
  readonly streamSeq: number;
}

/** How many dead letters there are (of one service, or all) and when the oldest of them failed. */
export interface DeadLetterStats {
  readonly count: number;
  /** When the oldest one reached the dead-letter stream, if there is one. */
  readonly oldestAt: Date | undefined;
}

export interface DeadLetters {
  /** Newest first, at most `limit` (default 100), optionally one service's. */
  list(options?: { limit?: number; service?: string }): Promise<DeadLetter[]>;
  get(id: number): Promise<DeadLetter>;
  /**
   * Republishes one dead letter to its original subject, for the consumer that gave up on it only, then
   * removes it from the dead-letter stream.
   */
  replay(id: number): Promise<ReplayResult>;
  /** Replays every dead letter (of one service), oldest first. */
  replayAll(options?: { service?: string }): Promise<ReplayResult[]>;
  /** An operator's decision that a dead letter will never be replayed: removes it for good. */
  discard(id: number): Promise<DeadLetter>;
  count(): Promise<number>;
  stats(options?: { service?: string }): Promise<DeadLetterStats>;
}

/** Replays in flight at once during `replayAll` (each is a publish and a delete). */
const REPLAY_WINDOW = 32;

function toDeadLetter(m: RawLetter): DeadLetter {
  const h = m.headers;
  const header = (name: string): string => h?.get(name) ?? "";
  const text = new TextDecoder().decode(m.data);
  let payload: unknown = text;
  try {
    payload = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const env = payload && typeof payload === "object" ? (payload as { id?: unknown; type?: unknown }) : {};
  return {
    id: m.seq,
    service: header(H.dlqService),
    consumer: header(H.dlqConsumer),
    stream: header(H.dlqStream),
    subject: header(H.dlqSubject),
    sequence: Number(header(H.dlqSequence)),
    deliveries: Number(header(H.dlqDeliveries)),
    reason: header(H.dlqReason),
    error: header(H.dlqError),
    failedAt: header(H.dlqFailedAt),
    eventId: typeof env.id === "string" ? env.id : undefined,
    eventType: typeof env.type === "string" ? env.type : undefined,
    payload,
  };
}

const fromStored = (sm: StoredMsg): RawLetter => ({
  seq: sm.seq,
  headers: sm.header,
  data: sm.data,
  time: sm.time,
});

/** `deadLetterFilter` is the dead-letter subjects of one service (`dlq.<service>.>`), or all of them. */
export function deadLetterFilter(service?: string): string {
  return service ? `dlq.${service}.>` : "dlq.>";
}

/**
 * `createDeadLetters` is the replay API over the dead-letter stream. A replay republishes the original
 * payload to the original subject under a new message id (the stream's duplicate window would drop the
 * old one), addressed to the consumer that gave up on it (`REPLAY_FOR_HEADER`): every other consumer of
 * the subject acks it unread, so it is processed once, by that consumer, however old it is.
 *
 * Listing and replaying all read the stream in batches through ordered consumers, never one request
 * per sequence number.
 */
export function createDeadLetters(options: { js: JetStreamClient; jsm: JetStreamManager }): DeadLetters {
  const { js, jsm } = options;
  const stream = DEAD_LETTER_STREAM.name;

  const getRaw = async (id: number): Promise<RawLetter | undefined> => {
    try {
      const sm = await jsm.streams.getMessage(stream, { seq: id });
      return sm ? fromStored(sm) : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  const streamState = async (): Promise<{ first_seq: number; last_seq: number; messages: number }> => {
    try {
      return (await jsm.streams.info(stream)).state;
    } catch (err) {
      if (isNotFound(err)) return { first_seq: 0, last_seq: 0, messages: 0 };
      throw err;
    }
  };

  const replayRaw = async (raw: RawLetter): Promise<ReplayResult> => {
    const dl = toDeadLetter(raw);
    const h = natsHeaders();
    for (const [key, values] of raw.headers ?? []) {
      if (key.startsWith("Bazaar-Dlq-") || key.startsWith("Nats-") || key === REPLAY_FOR_HEADER) continue;
      for (const value of values) h.append(key, value);
    }
    h.set("Bazaar-Replayed-From", `${stream}:${raw.seq}`);
    if (dl.consumer) h.set(REPLAY_FOR_HEADER, dl.consumer);
    const ack = await js.publish(dl.subject, raw.data, {
      headers: h,
      msgID: `${dl.eventId ?? dl.stream}:replay:${raw.seq}`,
    });
    await jsm.streams.deleteMessage(stream, raw.seq, false);
    return { id: raw.seq, subject: dl.subject, eventId: dl.eventId, streamSeq: ack.seq };
  };

  return {
    async list({ limit = 100, service } = {}) {
      const state = await streamState();
      if (state.messages === 0 || limit <= 0) return [];
      const raws = await readNewest({
        js,
        stream,
        filter: deadLetterFilter(service),
        firstSeq: state.first_seq,
        lastSeq: state.last_seq,
        limit,
      });
      return raws.map(toDeadLetter);
    },

    async get(id) {
      const raw = await getRaw(id);
      if (!raw) throw new NotFoundError(`dead letter ${id} not found`);
      return toDeadLetter(raw);
    },

    async replay(id) {
      const raw = await getRaw(id);
      if (!raw) throw new NotFoundError(`dead letter ${id} not found`);
      return replayRaw(raw);
    },

    async replayAll({ service } = {}) {
      const state = await streamState();
      if (state.messages === 0) return [];
      const raws: RawLetter[] = [];
      // Up to the last sequence as it is now: a replay that fails again lands after it and waits.
      await readRange({
        js,
        stream,
        filter: deadLetterFilter(service),
        fromSeq: state.first_seq,
        toSeq: state.last_seq,
        visit: (raw) => {
          raws.push(raw);
          return undefined;
        },
      });
      const results: ReplayResult[] = [];
      const inFlight = new Set<Promise<void>>();
      let failure: { err: unknown } | undefined;
      for (const raw of raws) {
        if (failure) break;
        const p: Promise<void> = replayRaw(raw)
          .then(
            (r) => {
              results.push(r);
            },
            (err: unknown) => {
              failure ??= { err };
            },
          )
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= REPLAY_WINDOW) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      // The ones replayed before a failure stay replayed (each was removed right after its publish).
      if (failure) throw failure.err;
      return results.sort((a, b) => a.id - b.id);
    },

    async discard(id) {
      const raw = await getRaw(id);
      if (!raw) throw new NotFoundError(`dead letter ${id} not found`);
      try {
        await jsm.streams.deleteMessage(stream, id, false);
      } catch (err) {
        // Replayed or discarded by someone else meanwhile.
        if (isNotFound(err)) throw new NotFoundError(`dead letter ${id} not found`);
        throw err;
      }
      return toDeadLetter(raw);
    },

    async count() {
      return (await streamState()).messages;
    },

    async stats({ service } = {}) {
      const filter = deadLetterFilter(service);
      let info: Awaited<ReturnType<typeof jsm.streams.info>>;
      try {
        info = await jsm.streams.info(stream, { subjects_filter: filter });
      } catch (err) {
        if (isNotFound(err)) return { count: 0, oldestAt: undefined };
        throw err;
      }
      const count = Object.values(info.state.subjects ?? {}).reduce((n, c) => n + c, 0);
      if (count === 0) return { count: 0, oldestAt: undefined };
      let oldestAt: Date | undefined;
      await readRange({
        js,
        stream,
        filter,
        fromSeq: info.state.first_seq,
        toSeq: info.state.last_seq,
        visit: (raw) => {
          oldestAt = raw.time;
          return false;
        },
      });
      return { count, oldestAt };
    },
  };
}
