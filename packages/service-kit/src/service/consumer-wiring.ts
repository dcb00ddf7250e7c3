import type { EventEnvelope } from "@bazaar/contracts";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { Logger } from "pino";
import type { KitConfig } from "../config/kit-config.js";
import { type ApplyOutcome, type BatchItem, EventConsumer } from "../events/consumer.js";
import { createConsumerMetrics } from "../events/consumer-metrics.js";
import { registerDeadLetterMetrics } from "../events/dead-letter-metrics.js";
import { createDeadLetters } from "../events/dead-letters.js";
import { consumeFilter } from "../events/event-subjects.js";
import type { Inbox } from "../events/inbox.js";
import type { Emitter } from "../events/outbox.js";
import { storageErrorCode } from "../events/storage-errors.js";
import type { ServiceMetrics } from "../metrics/metrics.js";
import { partitionOf } from "../partitions/partition-of.js";
import type { DrizzleSchema } from "../store/open-store.js";
import type { Telemetry } from "../tracing/telemetry.js";
import { runInScope } from "../tracing/trace-context.js";
import type { ServiceDefinition, Tx } from "./types.js";

export interface ConsumerWiring {
  readonly def: ServiceDefinition;
  readonly config: KitConfig & Record<string, unknown>;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly serverVersion: string | undefined;
  readonly inbox: Inbox;
  readonly transaction: <T>(fn: (tx: Tx<DrizzleSchema>, outbox: Emitter) => T) => T;
  /** What the service's `setup` made: handlers get it as `ctx.deps`. */
  readonly deps: unknown;
  readonly telemetry: Telemetry;
  /** The partition, for one partition of a partitioned service: its consumers read only its events. */
  readonly partition?: number;
}

/** `registerServiceDeadLetters` exposes the count and age of a service's dead letters. */
export function registerServiceDeadLetters(o: {
  readonly registry: ServiceMetrics["registry"];
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly service: string;
}): void {
  registerDeadLetterMetrics({
    registry: o.registry,
    deadLetters: createDeadLetters({ js: o.js, jsm: o.jsm }),
    service: o.service,
  });
}

/**
 * `startConsumers` starts one `EventConsumer` per subscription. A batch of events is applied in one
 * transaction; each event runs in its own savepoint with its inbox insert, so one failing handler rolls
 * back alone and a redelivered event is recognised and skipped.
 */
export function startConsumers(w: ConsumerWiring): EventConsumer[] {
  const consumers: EventConsumer[] = [];
  const metrics = createConsumerMetrics(w.metrics.registry, () => consumers);
  // A partitioned service's dead letters are the whole service's: its host counts them once.
  if (w.def.consumes.length > 0 && w.partition === undefined)
    registerServiceDeadLetters({ registry: w.metrics.registry, js: w.js, jsm: w.jsm, service: w.def.name });
  const { partition } = w;
  const owns = (key: string): boolean =>
    partition === undefined || partitionOf({ key, partitions: w.config.PARTITIONS }) === partition;
  const [major, minor] = (w.serverVersion ?? "2.10.0").split(".").map(Number);
  const termWithReason = (major ?? 2) > 2 || (minor ?? 0) >= 11;
  for (const sub of w.def.consumes) {
    const handler = sub.handler as (event: EventEnvelope, ctx: unknown) => unknown;
    const applyOne = (
      tx: Tx<DrizzleSchema>,
      outbox: Emitter,
      consumer: EventConsumer,
      item: BatchItem,
    ): ApplyOutcome => {
      if (!w.inbox.record(consumer.name, item.envelope.id, item.envelope.type, item.meta.streamSeq))
        return "duplicate";
      const result = handler(item.envelope, {
        service: w.def.name,
        instance: w.config.INSTANCE_ID,
        config: w.config,
        log: item.log,
        trace: item.scope.trace,
        deps: w.deps,
        tx,
        outbox,
        meta: item.meta,
        partition,
        owns,
      });
      if (result && typeof (result as Promise<unknown>).then === "function") {
        throw new Error(
          `the ${sub.event.type} handler of ${w.def.name} returned a promise: event handlers must be synchronous`,
        );
      }
      return "processed";
    };
    const consumer: EventConsumer = new EventConsumer({
      service: w.def.name,
      telemetry: w.telemetry,
      event: sub.event,
      filter: consumeFilter(sub.event, w.config.PARTITIONS, sub.everyPartition ? undefined : partition),
      ...(partition === undefined ? {} : { partition }),
      js: w.js,
      jsm: w.jsm,
      log: w.log,
      metrics,
      maxDeliver: w.config.CONSUMER_MAX_DELIVER,
      backoffMs: w.config.CONSUMER_BACKOFF_MS,
      backoffMaxMs: w.config.CONSUMER_BACKOFF_MAX_MS,
      ackWaitMs: w.config.CONSUMER_ACK_WAIT_MS,
      termWithReason,
      ...(sub.from ? { from: sub.from } : {}),
      floors: w.inbox.floors,
      countFailure: (streamSeq, error) => w.inbox.recordFailure(consumer.name, streamSeq, error),
      applyBatch: (items) =>
        w.transaction((tx, outbox) =>
          items.map((item) =>
            runInScope(item.scope, (): ApplyOutcome | { error: unknown } => {
              let storage: unknown;
              try {
                return tx.transaction((inner) => {
                  try {
                    return applyOne(inner, outbox, consumer, item);
                  } catch (err) {
                    // Caught here, before the savepoint's rollback can replace it with its own error.
                    if (storageErrorCode(err)) storage = err;
                    throw err;
                  }
                });
              } catch (error) {
                // On SQLITE_FULL, IOERR, BUSY... SQLite may have rolled back the whole transaction, and
                // the items after this one would run outside it: the batch stops here, as a whole.
                if (storage !== undefined) throw storage;
                return { error };
              }
            }),
          ),
        ),
    });
    consumers.push(consumer);
    consumer.start();
  }
  return consumers;
}
