import { DEAD_LETTER_STREAM } from "@bazaar/contracts";
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
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
    if (key.startsWith("Nats-")) continue;
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
