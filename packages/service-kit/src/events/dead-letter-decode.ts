import type { StoredMsg } from "@nats-io/jetstream";
import { H } from "../nats/headers.js";
import { deadLetterGroupKey } from "./dead-letter-filter.js";
import type { RawLetter } from "./dead-letter-reader.js";

/** Set on an event an operator edited before replaying it: who (the operator's user id) and when. */
export const EDITED_BY_HEADER = "Bazaar-Edited-By";
export const EDITED_AT_HEADER = "Bazaar-Edited-At";

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
  /** Its failure's group (same service, consumer and normalized error): see `deadLetterGroupKey`. */
  readonly groupKey: string;
  /** Present when an operator edited the event before a replay that failed again. */
  readonly edited: { readonly by: string | null; readonly at: string } | undefined;
}

const decoder = new TextDecoder();

/** `parsePayload` is a message body as JSON when it is JSON, else its text. */
export function parsePayload(data: Uint8Array): unknown {
  const text = decoder.decode(data);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** `toDeadLetter` decodes a dead-letter stream message: its headers say where it came from and why it failed. */
export function toDeadLetter(m: RawLetter): DeadLetter {
  const h = m.headers;
  const header = (name: string): string => h?.get(name) ?? "";
  const payload = parsePayload(m.data);
  const env = payload && typeof payload === "object" ? (payload as { id?: unknown; type?: unknown }) : {};
  const service = header(H.dlqService);
  const consumer = header(H.dlqConsumer);
  const error = header(H.dlqError);
  const editedAt = header(EDITED_AT_HEADER);
  return {
    id: m.seq,
    service,
    consumer,
    stream: header(H.dlqStream),
    subject: header(H.dlqSubject),
    sequence: Number(header(H.dlqSequence)),
    deliveries: Number(header(H.dlqDeliveries)),
    reason: header(H.dlqReason),
    error,
    failedAt: header(H.dlqFailedAt),
    eventId: typeof env.id === "string" ? env.id : undefined,
    eventType: typeof env.type === "string" ? env.type : undefined,
    payload,
    groupKey: deadLetterGroupKey({ service, consumer, error }),
    edited: editedAt ? { by: header(EDITED_BY_HEADER) || null, at: editedAt } : undefined,
  };
}

export const fromStored = (sm: StoredMsg): RawLetter => ({
  seq: sm.seq,
  headers: sm.header,
  data: sm.data,
  time: sm.time,
});
