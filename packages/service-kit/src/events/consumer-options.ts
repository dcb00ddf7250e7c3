import type { EventContract } from "@bazaar/contracts";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { Logger } from "pino";
import type { Telemetry } from "../tracing/telemetry.js";
import type { ApplyOutcome, BatchItem } from "./batch-items.js";
import type { ConsumerMetrics } from "./consumer-metrics.js";
import type { StartFrom } from "./durable-consumer.js";
import type { FloorGap, FloorStore } from "./read-floor.js";

export interface EventConsumerOptions {
  readonly service: string;
  /** A span per message processed (default: none). */
  readonly telemetry?: Telemetry;
  readonly event: EventContract;
  /** What the durable reads (default the event's subject; see `consumeFilter` for partitions). */
  readonly filter?: string;
  /** The partition, for one partition's consumer of a partitioned service (its durable is its own). */
  readonly partition?: number;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly log: Logger;
  readonly metrics: ConsumerMetrics;
  /**
   * Applies a batch in one SQLite transaction: each item's inbox insert and handler run in their own
   * savepoint, so a failing item rolls back alone. Returns an outcome or the error, per item.
   */
  readonly applyBatch: (items: readonly BatchItem[]) => Array<ApplyOutcome | { error: unknown }>;
  /**
   * Records one failed attempt on a stream message and returns the failures so far. Without it (or when it
   * throws, e.g. the disk is full) the delivery count stands in, which also counts deliveries never tried.
   */
  readonly countFailure?: (streamSeq: number, error: string) => number;
  /** Most messages applied in one transaction (one fsync for all of them). */
  readonly batchSize?: number;
  /** Failed attempts before a message is dead-lettered. */
  readonly maxDeliver: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
  readonly ackWaitMs: number;
  /** Server 2.11+ records a reason with a terminated message. */
  readonly termWithReason: boolean;
  /** Where the durable starts when it is first created (default `"start"`). */
  readonly from?: StartFrom;
  /** Where the read floor is kept between runs (see `ReadFloor`). */
  readonly floors?: FloorStore;
}

export interface ConsumerStatus {
  readonly name: string;
  readonly stream: string;
  readonly subject: string;
  readonly running: boolean;
  /** Paused by readiness, or holding off after a storage failure. */
  readonly paused: boolean;
  readonly lastError: string | undefined;
  /** Stream messages this process found gone before the consumer read them (an upper bound). */
  readonly lost: number;
  /** The missing range seen at the last floor check, if any. */
  readonly gap: FloorGap | undefined;
}
