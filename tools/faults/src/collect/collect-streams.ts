import { DEAD_LETTER_STREAM, OPS_STREAM, STREAMS } from "@bazaar/contracts";
import { type JsMsg, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { ConsumerState, DeadLetterState, StreamState } from "../check/final-state.js";

export interface StreamsState {
  readonly streams: StreamState[];
  readonly consumers: ConsumerState[];
  readonly deadLetters: DeadLetterState[];
  readonly alertedOrders: string[];
}

function envelopeOf(data: Uint8Array): { id: string; data: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(data));
    if (typeof parsed !== "object" || parsed === null) return undefined;
    const { id, type, data: payload } = parsed as { id?: unknown; type?: unknown; data?: unknown };
    return typeof id === "string" && typeof type === "string" ? { id, data: payload } : undefined;
  } catch {
    return undefined;
  }
}

/** `readStream` reads every message of a stream with an ordered consumer, oldest first. */
async function readStream(nc: NatsConnection, name: string, onMessage: (m: JsMsg) => void): Promise<void> {
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const info = await jsm.streams.info(name);
  if (info.state.messages === 0) return;
  const consumer = await jetstream(nc).consumers.get(name);
  const messages = await consumer.consume({ max_messages: 500 });
  for await (const m of messages) {
    onMessage(m);
    if (m.info.pending === 0 || m.seq >= info.state.last_seq) break;
  }
  await messages.close();
}

/**
 * `collectStreams` reads the broker's side of the final state: every message of every stream (event ids,
 * dead letters' origins, the orders alerts name) and every durable consumer's backlog.
 */
export async function collectStreams(nc: NatsConnection): Promise<StreamsState> {
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const streams: StreamState[] = [];
  const consumers: ConsumerState[] = [];
  const deadLetters: DeadLetterState[] = [];
  const alerted = new Set<string>();
  for (const stream of STREAMS) {
    const messages: StreamState["messages"][number][] = [];
    await readStream(nc, stream.name, (m) => {
      const envelope = envelopeOf(m.data);
      messages.push({ seq: m.seq, subject: m.subject, eventId: envelope?.id ?? null });
      if (stream.name === OPS_STREAM.name) {
        const orderId = (envelope?.data as { orderId?: unknown } | undefined)?.orderId;
        if (typeof orderId === "string") alerted.add(orderId);
      }
      if (stream.name === DEAD_LETTER_STREAM.name) {
        deadLetters.push({
          seq: m.seq,
          originStream: m.headers?.get("Bazaar-Dlq-Stream") ?? "",
          originSeq: Number(m.headers?.get("Bazaar-Dlq-Sequence") ?? 0),
          consumer: m.headers?.get("Bazaar-Dlq-Consumer") ?? "",
          reason: m.headers?.get("Bazaar-Dlq-Reason") ?? "",
        });
      }
    });
    streams.push({ name: stream.name, messages });
    for await (const c of jsm.consumers.list(stream.name)) {
      if (!c.config.durable_name) continue;
      consumers.push({
        stream: stream.name,
        name: c.name,
        filterSubject: c.config.filter_subject ?? c.config.filter_subjects?.[0] ?? ">",
        pending: c.num_pending,
        ackPending: c.num_ack_pending,
      });
    }
  }
  return { streams, consumers, deadLetters, alertedOrders: [...alerted] };
}
