import type { EventContract } from "@bazaar/contracts";
import {
  AckPolicy,
  type Consumer,
  type ConsumerInfo,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import { isNotFound } from "./streams.js";

/**
 * Where a subscription's durable starts the first time it is created: `"start"` reads the stream from its
 * first message (projections, state a service keeps about others' facts), `"new"` only what is published
 * after it exists (side effects outside the system, like email: replaying 30 days of history would send it
 * all again). An existing durable keeps its position whatever this says: it is never reset.
 */
export type StartFrom = "start" | "new";

export interface DurableConsumerOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly service: string;
  readonly event: EventContract;
  /** The durable's name (see `consumerName`). */
  readonly name: string;
  /** The subject the durable reads: the event's, or one or every partition's of it. */
  readonly filter: string;
  readonly ackWaitMs: number;
  /** Where a new durable starts (default `"start"`). */
  readonly from?: StartFrom;
}

export interface DurableConsumer {
  readonly consumer: Consumer;
  /** The durable as JetStream reported it, before this process consumed anything. */
  readonly info: ConsumerInfo;
  /** True when this call created the durable. */
  readonly created: boolean;
}

/**
 * `ensureDurableConsumer` creates the subscription's durable pull consumer, or updates it when its
 * description, filter or ack wait changed, and returns a handle to consume from. The start position is
 * only set at creation: JetStream refuses to change a durable's deliver policy, and an update sends the
 * durable's own one back, so a redeclared `from` never resets a durable.
 */
export async function ensureDurableConsumer(o: DurableConsumerOptions): Promise<DurableConsumer> {
  const { jsm, js, event, service, name } = o;
  const config = {
    durable_name: name,
    description: `${service} applies ${event.type} v${event.version} (one handler, idempotent via inbox)`,
    filter_subject: o.filter,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: o.from === "new" ? DeliverPolicy.New : DeliverPolicy.All,
    ack_wait: nanos(o.ackWaitMs),
    // Unlimited on the server: the kit decides when to dead-letter, so nothing is ever silently dropped.
    max_deliver: -1,
    max_ack_pending: 1000,
    metadata: { service, event: event.type, version: String(event.version) },
  };
  let info: ConsumerInfo;
  let created = false;
  try {
    info = await jsm.consumers.info(event.stream.name, name);
    const c = info.config;
    if (
      c.description !== config.description ||
      c.filter_subject !== config.filter_subject ||
      c.ack_wait !== config.ack_wait
    ) {
      info = await jsm.consumers.update(event.stream.name, name, {
        description: config.description,
        filter_subject: config.filter_subject,
        ack_wait: config.ack_wait,
        max_deliver: config.max_deliver,
        metadata: config.metadata,
      });
    }
  } catch (err) {
    if (!isNotFound(err)) throw err;
    info = await jsm.consumers.add(event.stream.name, config);
    created = true;
  }
  return { consumer: await js.consumers.get(event.stream.name, name), info, created };
}
