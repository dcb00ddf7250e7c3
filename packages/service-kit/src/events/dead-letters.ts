import { DEAD_LETTER_STREAM } from "@bazaar/contracts";
import type { JetStreamClient, JetStreamManager, StoredMsg } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { NotFoundError } from "../errors/app-error.js";
import { H } from "../nats/headers.js";
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

export interface DeadLetters {
  list(options?: { limit?: number; service?: string }): Promise<DeadLetter[]>;
  get(id: number): Promise<DeadLetter>;
  /** Republishes one dead letter to its original subject, then removes it from the dead-letter stream. */
  replay(id: number): Promise<ReplayResult>;
  replayAll(options?: { service?: string }): Promise<ReplayResult[]>;
  count(): Promise<number>;
}

function toDeadLetter(sm: StoredMsg): DeadLetter {
  const h = sm.header;
  const text = new TextDecoder().decode(sm.data);
  let payload: unknown = text;
  try {
    payload = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  const env = payload && typeof payload === "object" ? (payload as { id?: unknown; type?: unknown }) : {};
  return {
    id: sm.seq,
    service: h.get(H.dlqService),
    consumer: h.get(H.dlqConsumer),
    stream: h.get(H.dlqStream),
    subject: h.get(H.dlqSubject),
    sequence: Number(h.get(H.dlqSequence)),
    deliveries: Number(h.get(H.dlqDeliveries)),
    reason: h.get(H.dlqReason),
    error: h.get(H.dlqError),
    failedAt: h.get(H.dlqFailedAt),
    eventId: typeof env.id === "string" ? env.id : undefined,
    eventType: typeof env.type === "string" ? env.type : undefined,
    payload,
  };
}

/**
 * `createDeadLetters` is the replay API over the dead-letter stream. A replay republishes the original
 * payload to the original subject under a new message id (the stream's duplicate window would drop the
 * old one); consumers that had already applied the event skip it through their inbox, the one that
 * failed applies it, so it is processed once.
 */
export function createDeadLetters(options: { js: JetStreamClient; jsm: JetStreamManager }): DeadLetters {
  const { js, jsm } = options;
  const stream = DEAD_LETTER_STREAM.name;

  const getRaw = async (id: number): Promise<StoredMsg | undefined> => {
    try {
      return (await jsm.streams.getMessage(stream, { seq: id })) ?? undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  const api: DeadLetters = {
    async list({ limit = 100, service } = {}) {
      let state: { first_seq: number; last_seq: number; messages: number };
      try {
        state = (await jsm.streams.info(stream)).state;
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
      const out: DeadLetter[] = [];
      for (
        let seq = state.last_seq;
        seq >= state.first_seq && out.length < limit && state.messages > 0;
        seq--
      ) {
        const sm = await getRaw(seq);
        if (!sm) continue;
        const dl = toDeadLetter(sm);
        if (!service || dl.service === service) out.push(dl);
      }
      return out;
    },

    async get(id) {
      const sm = await getRaw(id);
      if (!sm) throw new NotFoundError(`dead letter ${id} not found`);
      return toDeadLetter(sm);
    },

    async replay(id) {
      const sm = await getRaw(id);
      if (!sm) throw new NotFoundError(`dead letter ${id} not found`);
      const dl = toDeadLetter(sm);
      const h = natsHeaders();
      for (const [key, values] of sm.header) {
        if (key.startsWith("Bazaar-Dlq-") || key.startsWith("Nats-")) continue;
        for (const value of values) h.append(key, value);
      }
      h.set("Bazaar-Replayed-From", `${stream}:${id}`);
      const ack = await js.publish(dl.subject, sm.data, {
        headers: h,
        msgID: `${dl.eventId ?? dl.stream}:replay:${id}`,
      });
      await jsm.streams.deleteMessage(stream, id, false);
      return { id, subject: dl.subject, eventId: dl.eventId, streamSeq: ack.seq };
    },

    async replayAll({ service } = {}) {
      const results: ReplayResult[] = [];
      for (const dl of (
        await api.list({ limit: Number.MAX_SAFE_INTEGER, ...(service ? { service } : {}) })
      ).reverse()) {
        results.push(await api.replay(dl.id));
      }
      return results;
    },

    async count() {
      try {
        return (await jsm.streams.info(stream)).state.messages;
      } catch (err) {
        if (isNotFound(err)) return 0;
        throw err;
      }
    },
  };
  return api;
}
