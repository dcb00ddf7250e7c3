import type { EventContract } from "@bazaar/contracts";
import {
  AckPolicy,
  type Consumer,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { isNotFound } from "./streams.js";

export interface DurableConsumerOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly service: string;
  readonly event: EventContract;
  /** The durable's name (see `consumerName`). */
  readonly name: string;
  readonly ackWaitMs: number;
}

/**
 * `ensureDurableConsumer` creates the subscription's durable pull consumer, or updates it when its
 * description, filter or ack wait changed, and returns a handle to consume from.
 */
export async function ensureDurableConsumer(o: DurableConsumerOptions): Promise<Consumer> {
  const { jsm, js, event, service, name } = o;
  const config = {
    durable_name: name,
    description: `${service} applies ${event.type} v${event.version} (one handler, idempotent via inbox)`,
    filter_subject: event.subject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(o.ackWaitMs),
    // Unlimited on the server: the kit decides when to dead-letter, so nothing is ever silently dropped.
    max_deliver: -1,
    max_ack_pending: 1000,
    metadata: { service, event: event.type, version: String(event.version) },
  };
  try {
    const info = await jsm.consumers.info(event.stream.name, name);
    const c = info.config;
    if (
      c.description !== config.description ||
      c.filter_subject !== config.filter_subject ||
      c.ack_wait !== config.ack_wait
    ) {
      await jsm.consumers.update(event.stream.name, name, {
        description: config.description,
        filter_subject: config.filter_subject,
        ack_wait: config.ack_wait,
        max_deliver: config.max_deliver,
        metadata: config.metadata,
      });
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    await jsm.consumers.add(event.stream.name, config);
  }
  return js.consumers.get(event.stream.name, name);
}
