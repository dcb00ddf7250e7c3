import { DEAD_LETTER_STREAM } from "@bazaar/contracts";
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import type { Logger } from "pino";
import { H } from "../nats/headers.js";

export type DeadLetterReason = "max_deliveries" | "invalid";

export interface DeadLetterInput {
  readonly js: JetStreamClient;
  readonly msg: JsMsg;
  readonly service: string;
  readonly consumer: string;
  readonly reason: DeadLetterReason;
  readonly error: string;
}

/**
 * Set on a replayed dead letter: the one consumer it is for. Every other consumer of the subject acks it
 * without applying it, so a replay can only reach the consumer that failed, however long after the event
 * it comes (dead letters have no age limit; inbox entries are pruned).
 */
export const REPLAY_FOR_HEADER = "Bazaar-Replay-For";

/** The subject a consumer's dead letters go to: `dlq.<service>.<original subject>`. */
export function deadLetterSubject(service: string, originalSubject: string): string {
  return `dlq.${service}.${originalSubject}`;
}

/**
 * `writeDeadLetter` copies a message to the dead-letter stream with headers naming where it came from
 * and why it failed. The copy's `Nats-Msg-Id` is derived from the origin, so a repeat (e.g. after a crash
 * before the term) is dropped by the stream.
 */
export async function writeDeadLetter(input: DeadLetterInput): Promise<void> {
  const { msg } = input;
  const h = natsHeaders();
  for (const [key, values] of msg.headers ?? []) {
    if (key.startsWith("Nats-") || key === REPLAY_FOR_HEADER) continue;
    for (const value of values) h.append(key, value);
  }
  h.set(H.dlqStream, msg.info.stream);
  h.set(H.dlqSubject, msg.subject);
  h.set(H.dlqSequence, String(msg.seq));
  h.set(H.dlqConsumer, input.consumer);
  h.set(H.dlqService, input.service);
  h.set(H.dlqDeliveries, String(msg.info.deliveryCount));
  h.set(H.dlqReason, input.reason);
  // Headers are single-line and bounded.
  h.set(H.dlqError, input.error.replace(/[\r\n]+/g, " ").slice(0, 1000));
  h.set(H.dlqFailedAt, new Date().toISOString());
  await input.js.publish(deadLetterSubject(input.service, msg.subject), msg.data, {
    headers: h,
    msgID: `dlq:${msg.info.stream}:${msg.seq}:${input.consumer}`,
    expect: { streamName: DEAD_LETTER_STREAM.name },
  });
}

export interface DeadLetterMessageInput extends DeadLetterInput {
  readonly log: Logger;
  /** Server 2.11+ records a reason with a terminated message. */
  readonly termWithReason: boolean;
  readonly onDeadLettered: () => void;
  /** The delay before trying again when the dead-letter stream refuses or cannot be reached. */
  readonly retryInMs: () => number;
}

/**
 * `deadLetterMessage` copies the message to the dead-letter stream, then terminates it in its own stream.
 * When the copy fails (the dead-letter stream is unreachable, or full: it discards new messages) the
 * message stays in its stream, unacknowledged, and comes back after a delay: it is never dropped.
 */
export async function deadLetterMessage(input: DeadLetterMessageInput): Promise<void> {
  const { msg, reason, error, log, consumer } = input;
  try {
    await writeDeadLetter(input);
    if (input.termWithReason) msg.term(`${reason}: ${error}`.slice(0, 200));
    else msg.term();
    input.onDeadLettered();
    log.error(
      { consumer, stream: msg.info.stream, seq: msg.seq, deliveries: msg.info.deliveryCount, reason, error },
      "event dead-lettered",
    );
  } catch (dlqErr) {
    log.error({ err: dlqErr, consumer }, "could not dead-letter; will retry");
    msg.nak(input.retryInMs());
  }
}
