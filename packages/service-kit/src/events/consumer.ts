import type { EventContract } from "@bazaar/contracts";
import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";
import type * as v from "valibot";
import { runInScope } from "../tracing/trace-context.js";
import { retryDelay, sleep } from "./backoff.js";
import { drainInBatches } from "./batch-drain.js";
import { type ApplyOutcome, type BatchItem, toBatchItem } from "./batch-items.js";
import type { ConsumerStatus, EventConsumerOptions } from "./consumer-options.js";
import { deadLetterMessage, REPLAY_FOR_HEADER } from "./dead-letter-writer.js";
import { ensureDurableConsumer } from "./durable-consumer.js";
import { envelopeValidator } from "./envelope.js";
import { floorCheckInterval, ReadFloor } from "./read-floor.js";
import { storageErrorCode } from "./storage-errors.js";
import { isNotFound } from "./streams.js";

export type { ApplyOutcome, BatchItem, EventMeta } from "./batch-items.js";
export type { ConsumerStatus, EventConsumerOptions } from "./consumer-options.js";

/**
 * `consumerName` is the durable's name: the service, then the event, so `nats consumer ls` reads well;
 * then `-p<N>` for one partition's durable of a partitioned service (its position moves with the partition).
 */
export function consumerName(service: string, event: EventContract, partition?: number): string {
  const base = `${service}__${event.type.replace(/[._]/g, "-")}-v${event.version}`;
  return partition === undefined ? base : `${base}-p${partition}`;
}

/**
 * `EventConsumer` runs one subscription: a durable pull consumer named after the service and event.
 * Each message is validated, applied once (handler and inbox insert in one SQLite transaction) and acked
 * only after commit. A duplicate is acked and counted. A failure is retried with exponential backoff
 * (nak with delay); after `maxDeliver` failed attempts, or at once for a message that fails validation, it is
 * copied to the dead-letter stream and terminated, so it never blocks the messages behind it.
 *
 * A failure of the service's own storage (`storageErrorCode`: the disk or page limit is full, the file is
 * read-only, an I/O error, the lock is busy) is not the event's fault: it is not counted as a failed attempt
 * and never dead-letters. The batch's messages go back to the stream and consumption pauses with a
 * growing backoff (logged, and counted in `bazaar_consumer_storage_pauses_total`), then tries again. An
 * event the broker was already sending into the pull when it closed is dropped by the client (nats.js
 * unsubscribes at once) and comes back after the ack wait (`CONSUMER_ACK_WAIT_MS`), not lost.
 */
export class EventConsumer {
  readonly name: string;
  readonly #o: EventConsumerOptions;
  readonly #validate: v.GenericSchema;
  #messages: ConsumerMessages | undefined;
  #loop: Promise<void> | undefined;
  #stopped = false;
  #paused = false;
  #running = false;
  #lastError: string | undefined;
  #abort = new AbortController();
  /** Set after a storage failure: nothing is applied before this time. */
  #storageHoldUntil: number | undefined;
  #storageFailures = 0;
  readonly #floor: ReadFloor;

  constructor(options: EventConsumerOptions) {
    this.#o = options;
    this.name = consumerName(options.service, options.event, options.partition);
    this.#validate = envelopeValidator(options.event);
    this.#floor = new ReadFloor({
      jsm: options.jsm,
      stream: options.event.stream.name,
      consumer: this.name,
      store: options.floors,
      log: options.log,
      onLost: (count) => options.metrics.lost.inc({ consumer: this.name }, count),
    });
  }

  status(): ConsumerStatus {
    return {
      name: this.name,
      stream: this.#o.event.stream.name,
      subject: this.#o.filter ?? this.#o.event.subject,
      running: this.#running,
      paused: this.#paused || this.#storageHoldUntil !== undefined,
      lastError: this.#lastError,
      lost: this.#floor.lost,
      gap: this.#floor.gap,
    };
  }

  start(): void {
    if (this.#loop) return;
    this.#loop = this.#run();
    this.#floor.watch(floorCheckInterval(this.#o.event.stream.maxAgeMs));
  }

  /** Stops pulling (readiness failed); buffered messages go back for redelivery. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#o.log.warn({ consumer: this.name }, "consumer paused: service not ready");
    this.#messages?.stop();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#o.log.info({ consumer: this.name }, "consumer resumed");
    this.#abort.abort();
    this.#abort = new AbortController();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#floor.unwatch();
    this.#abort.abort();
    this.#messages?.stop();
    await this.#loop;
  }

  /** Messages not yet delivered plus delivered but unacknowledged: the consumer's lag. */
  async lag(): Promise<{ pending: number; ackPending: number; redelivered: number } | undefined> {
    try {
      const info = await this.#o.jsm.consumers.info(this.#o.event.stream.name, this.name);
      return {
        pending: info.num_pending,
        ackPending: info.num_ack_pending,
        redelivered: info.num_redelivered,
      };
    } catch {
      return undefined;
    }
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#stopped) {
      if (this.#paused) {
        await sleep(60_000, this.#abort.signal);
        continue;
      }
      if (this.#storageHoldUntil !== undefined) {
        const wait = this.#storageHoldUntil - Date.now();
        if (wait > 0) {
          await sleep(wait, this.#abort.signal);
          continue;
        }
        this.#storageHoldUntil = undefined;
        this.#o.log.info({ consumer: this.name }, "trying the storage again");
      }
      try {
        const { js, jsm, service, event, ackWaitMs, from } = this.#o;
        const durable = await ensureDurableConsumer({
          js,
          jsm,
          service,
          event,
          name: this.name,
          filter: this.#o.filter ?? event.subject,
          ackWaitMs,
          ...(from ? { from } : {}),
        });
        // Before consuming: once it reads, its ack floor moves past any gap and the evidence is gone.
        await this.#floor.checkQuietly({ created: durable.created });
        const consumer = durable.consumer;
        if (this.#stopped || this.#holding()) continue;
        // Short pull expiry: after a broker restart a lost pull is noticed (missed heartbeats) in seconds, not 30 s.
        const messages = await consumer.consume({ max_messages: 32, expires: 5_000 });
        this.#messages = messages;
        // A stop or pause that came while consume() was pending could not reach this iterator: honour it now.
        if (this.#holding()) messages.stop();
        this.#running = true;
        this.#lastError = undefined;
        failures = 0;
        await drainInBatches({
          messages,
          size: this.#o.batchSize ?? 64,
          holding: () => this.#holding(),
          handle: (batch) => this.#handleBatch(batch),
          onBatchError: (err, count) =>
            this.#o.log.warn(
              { err, consumer: this.name, messages: count },
              "batch interrupted; its messages will be redelivered",
            ),
        });
      } catch (err) {
        this.#lastError = errorMessage(err);
        failures++;
        const level = isNotFound(err) ? "info" : "warn";
        this.#o.log[level](
          { err, consumer: this.name, stream: this.#o.event.stream.name },
          isNotFound(err) ? "waiting for stream" : "consumer interrupted; restarting",
        );
      } finally {
        this.#running = false;
      }
      if (!this.#stopped && !this.#holding())
        await sleep(retryDelay(failures + 1, 100, 5000), this.#abort.signal);
    }
  }

  /** Nothing may be applied: stopping, paused by readiness, or holding off after a storage failure. */
  #holding(): boolean {
    return this.#stopped || this.#paused || this.#storageHoldUntil !== undefined;
  }

  /** `#holdForStorage` pauses consumption after a storage failure, with a growing backoff. */
  #holdForStorage(code: string, err: unknown): void {
    this.#storageFailures++;
    const delay = retryDelay(this.#storageFailures, this.#o.backoffMs, this.#o.backoffMaxMs);
    this.#storageHoldUntil = Date.now() + delay;
    this.#lastError = `storage failed (${code}): ${errorMessage(err)}`;
    this.#o.metrics.storagePauses.inc({ consumer: this.name, code });
    this.#o.log.error(
      { err, consumer: this.name, code, retryInMs: delay, holds: this.#storageFailures },
      "storage failed: consumption paused; the events stay in the stream and are not counted as failures",
    );
    this.#messages?.stop();
  }

  async #handleBatch(msgs: readonly JsMsg[]): Promise<void> {
    const { metrics, event } = this.#o;
    const labels = { consumer: this.name };
    const items: BatchItem[] = [];
    const valid: JsMsg[] = [];
    for (const msg of msgs) {
      const replayFor = msg.headers?.get(REPLAY_FOR_HEADER);
      if (replayFor && replayFor !== this.name) {
        // Another consumer's dead letter, replayed for it alone.
        msg.ack();
        metrics.duplicates.inc(labels);
        continue;
      }
      try {
        items.push(
          toBatchItem(msg, {
            event,
            validate: this.#validate,
            consumer: this.name,
            log: this.#o.log,
            ...(this.#o.telemetry ? { telemetry: this.#o.telemetry } : {}),
          }),
        );
        valid.push(msg);
      } catch (err) {
        metrics.failed.inc(labels);
        await this.#deadLetter(msg, "invalid", err);
      }
    }
    if (items.length === 0) return;

    let outcomes: Array<ApplyOutcome | { error: unknown }>;
    try {
      outcomes = this.#o.applyBatch(items);
    } catch (err) {
      // The transaction itself failed (e.g. the disk, or its commit): nothing was applied.
      outcomes = items.map(() => ({ error: err }));
    }
    let storage: { code: string; err: unknown } | undefined;
    const handBack: JsMsg[] = [];
    let applied = false;
    for (let i = 0; i < valid.length; i++) {
      const msg = valid[i] as JsMsg;
      const item = items[i] as BatchItem;
      const outcome = outcomes[i] as ApplyOutcome | { error: unknown };
      if (outcome === "processed" || outcome === "duplicate") {
        msg.ack();
        applied = true;
        if (outcome === "duplicate") {
          metrics.duplicates.inc(labels);
          item.span.setAttributes({ "bazaar.duplicate": true });
          runInScope(item.scope, () => item.log.debug("duplicate event skipped"));
        } else {
          metrics.processed.inc(labels);
        }
        item.span.end();
        continue;
      }
      item.span.end(outcome.error);
      const code = storageErrorCode(outcome.error);
      if (code) {
        // Not the event's fault: handed back untried, not counted.
        storage ??= { code, err: outcome.error };
        handBack.push(msg);
        continue;
      }
      metrics.failed.inc(labels);
      const failures = this.#countFailure(msg, outcome.error);
      if (typeof failures !== "number") {
        // The failure could not be recorded because the storage failed: without a count, no dead letter.
        storage ??= failures;
        handBack.push(msg);
        continue;
      }
      if (failures >= this.#o.maxDeliver) {
        await runInScope(item.scope, () => this.#deadLetter(msg, "max_deliveries", outcome.error));
        continue;
      }
      const delay = retryDelay(failures, this.#o.backoffMs, this.#o.backoffMaxMs);
      metrics.retried.inc(labels);
      runInScope(item.scope, () =>
        item.log.warn(
          { err: outcome.error, failures, delivery: msg.info.deliveryCount, retryInMs: delay },
          "event handler failed; will retry",
        ),
      );
      msg.nak(delay);
    }
    if (storage) {
      // The pull is ended before the messages are handed back: a nak sent first is redelivered at once into
      // the pull being closed, where the client drops it and the server waits the whole ack wait for it.
      this.#holdForStorage(storage.code, storage.err);
      for (const msg of handBack) msg.nak();
    } else if (applied) this.#storageFailures = 0;
  }

  /** The failed attempts so far, or the storage failure that kept it from being recorded. */
  #countFailure(msg: JsMsg, err: unknown): number | { code: string; err: unknown } {
    if (!this.#o.countFailure) return msg.info.deliveryCount;
    try {
      return this.#o.countFailure(msg.seq, errorMessage(err));
    } catch (countErr) {
      const code = storageErrorCode(countErr);
      if (code) return { code, err: countErr };
      this.#o.log.warn({ err: countErr, consumer: this.name }, "could not record a failed attempt");
      return msg.info.deliveryCount;
    }
  }

  #deadLetter(msg: JsMsg, reason: "invalid" | "max_deliveries", err: unknown): Promise<void> {
    const { js, service, log, metrics, termWithReason, backoffMs, backoffMaxMs } = this.#o;
    return deadLetterMessage({
      js,
      msg,
      service,
      consumer: this.name,
      reason,
      error: errorMessage(err),
      log,
      termWithReason,
      onDeadLettered: () => metrics.deadLettered.inc({ consumer: this.name }),
      retryInMs: () => retryDelay(msg.info.deliveryCount, backoffMs, backoffMaxMs),
    });
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
