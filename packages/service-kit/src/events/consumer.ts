import type { EventContract, EventEnvelope } from "@bazaar/contracts";
import type { ConsumerMessages, JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import type { Logger } from "pino";
import * as v from "valibot";
import { toIssues } from "../errors/validation.js";
import { childSpan, newTrace, parseTraceparent, runInScope, type Scope } from "../tracing/trace-context.js";
import { retryDelay, sleep } from "./backoff.js";
import type { ConsumerMetrics } from "./consumer-metrics.js";
import { writeDeadLetter } from "./dead-letter-writer.js";
import { ensureDurableConsumer } from "./durable-consumer.js";
import { envelopeValidator } from "./envelope.js";
import { isNotFound } from "./streams.js";

/** Where a message came from, for handlers that want it. */
export interface EventMeta {
  readonly stream: string;
  readonly streamSeq: number;
  readonly deliveryCount: number;
  readonly subject: string;
}

export type ApplyOutcome = "processed" | "duplicate";

/** One validated message of a batch, with the trace scope and logger its handler runs with. */
export interface BatchItem {
  readonly envelope: EventEnvelope;
  readonly meta: EventMeta;
  readonly scope: Scope;
  readonly log: Logger;
}

export interface EventConsumerOptions {
  readonly service: string;
  readonly event: EventContract;
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
}

export interface ConsumerStatus {
  readonly name: string;
  readonly stream: string;
  readonly subject: string;
  readonly running: boolean;
  readonly paused: boolean;
  readonly lastError: string | undefined;
}

/** `consumerName` is the durable's name: the service, then the event, so `nats consumer ls` reads well. */
export function consumerName(service: string, event: EventContract): string {
  return `${service}__${event.type.replace(/[._]/g, "-")}-v${event.version}`;
}

/**
 * `EventConsumer` runs one subscription: a durable pull consumer named after the service and event.
 * Each message is validated, applied once (handler and inbox insert in one SQLite transaction) and acked
 * only after commit. A duplicate is acked and counted. A failure is retried with exponential backoff
 * (nak with delay); after `maxDeliver` failed attempts, or at once for a message that fails validation, it is
 * copied to the dead-letter stream and terminated, so it never blocks the messages behind it.
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

  constructor(options: EventConsumerOptions) {
    this.#o = options;
    this.name = consumerName(options.service, options.event);
    this.#validate = envelopeValidator(options.event);
  }

  status(): ConsumerStatus {
    return {
      name: this.name,
      stream: this.#o.event.stream.name,
      subject: this.#o.event.subject,
      running: this.#running,
      paused: this.#paused,
      lastError: this.#lastError,
    };
  }

  start(): void {
    if (this.#loop) return;
    this.#loop = this.#run();
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
      try {
        const { js, jsm, service, event, ackWaitMs } = this.#o;
        const consumer = await ensureDurableConsumer({ js, jsm, service, event, name: this.name, ackWaitMs });
        if (this.#stopped || this.#paused) continue;
        // Short pull expiry: after a broker restart a lost pull is noticed (missed heartbeats) in seconds, not 30 s.
        const messages = await consumer.consume({ max_messages: 32, expires: 5_000 });
        this.#messages = messages;
        // A stop or pause that came while consume() was pending could not reach this iterator: honour it now.
        if (this.#stopped || this.#paused) messages.stop();
        this.#running = true;
        this.#lastError = undefined;
        failures = 0;
        await this.#drain(this.#messages);
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
      if (!this.#stopped && !this.#paused)
        await sleep(Math.min(5000, 100 * 2 ** Math.min(failures, 6)), this.#abort.signal);
    }
  }

  /**
   * `#drain` reads messages into a queue and applies whatever is queued as one batch (one transaction),
   * so a burst costs one commit while a lone message is applied at once. The reader waits when the queue
   * holds two batches, which bounds memory.
   */
  async #drain(messages: ConsumerMessages): Promise<void> {
    const size = this.#o.batchSize ?? 64;
    const queue: JsMsg[] = [];
    let readerDone = false;
    let wakeWorker: (() => void) | undefined;
    let wakeReader: (() => void) | undefined;
    const worker = (async () => {
      for (;;) {
        if (queue.length === 0) {
          if (readerDone) return;
          await new Promise<void>((resolve) => {
            wakeWorker = resolve;
          });
          wakeWorker = undefined;
          continue;
        }
        // Let the reader queue whatever already arrived with this message, so a burst is one batch.
        if (queue.length < size) await new Promise((resolve) => setImmediate(resolve));
        const batch = queue.splice(0, size);
        try {
          await this.#handleBatch(batch);
        } catch (err) {
          // E.g. an ack on a connection that just closed: unacked messages come back after the ack wait.
          this.#o.log.warn(
            { err, consumer: this.name, messages: batch.length },
            "batch interrupted; its messages will be redelivered",
          );
        }
        wakeReader?.();
      }
    })();
    try {
      for await (const msg of messages) {
        if (this.#stopped || this.#paused) {
          // Buffered after a stop: the pull is ended first (so the message cannot come straight back here),
          // then the message is handed back at once for another instance instead of waiting for the ack timeout.
          messages.stop();
          msg.nak();
          continue;
        }
        queue.push(msg);
        wakeWorker?.();
        if (queue.length >= size * 2) {
          await new Promise<void>((resolve) => {
            wakeReader = resolve;
          });
          wakeReader = undefined;
        }
      }
    } finally {
      readerDone = true;
      wakeWorker?.();
      await worker;
    }
  }

  async #handleBatch(msgs: readonly JsMsg[]): Promise<void> {
    const { metrics, event } = this.#o;
    const labels = { consumer: this.name };
    const items: BatchItem[] = [];
    const valid: JsMsg[] = [];
    for (const msg of msgs) {
      try {
        const parsed = v.safeParse(this.#validate, msg.json());
        if (!parsed.success) {
          const issues = toIssues(parsed.issues).map((i) => `${i.path}: ${i.message}`);
          throw new Error(`invalid ${event.type} v${event.version}: ${issues.slice(0, 5).join("; ")}`);
        }
        const envelope = parsed.output as EventEnvelope;
        const parent = parseTraceparent(envelope.traceparent);
        items.push({
          envelope,
          meta: {
            stream: msg.info.stream,
            streamSeq: msg.seq,
            deliveryCount: msg.info.deliveryCount,
            subject: msg.subject,
          },
          scope: { trace: parent ? childSpan(parent) : newTrace() },
          log: this.#o.log.child({ consumer: this.name, eventId: envelope.id, eventType: envelope.type }),
        });
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
      // The transaction itself failed (e.g. the disk): nothing was applied.
      outcomes = items.map(() => ({ error: err }));
    }
    for (let i = 0; i < valid.length; i++) {
      const msg = valid[i] as JsMsg;
      const item = items[i] as BatchItem;
      const outcome = outcomes[i] as ApplyOutcome | { error: unknown };
      if (outcome === "processed" || outcome === "duplicate") {
        msg.ack();
        if (outcome === "duplicate") {
          metrics.duplicates.inc(labels);
          item.log.debug("duplicate event skipped");
        } else {
          metrics.processed.inc(labels);
        }
        continue;
      }
      metrics.failed.inc(labels);
      const failures = this.#countFailure(msg, outcome.error);
      if (failures >= this.#o.maxDeliver) {
        await this.#deadLetter(msg, "max_deliveries", outcome.error);
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
  }

  #countFailure(msg: JsMsg, err: unknown): number {
    if (!this.#o.countFailure) return msg.info.deliveryCount;
    try {
      return this.#o.countFailure(msg.seq, errorMessage(err));
    } catch (countErr) {
      this.#o.log.warn({ err: countErr, consumer: this.name }, "could not record a failed attempt");
      return msg.info.deliveryCount;
    }
  }

  async #deadLetter(msg: JsMsg, reason: "invalid" | "max_deliveries", err: unknown): Promise<void> {
    const error = errorMessage(err);
    try {
      await writeDeadLetter({
        js: this.#o.js,
        msg,
        service: this.#o.service,
        consumer: this.name,
        reason,
        error,
      });
      if (this.#o.termWithReason) msg.term(`${reason}: ${error}`.slice(0, 200));
      else msg.term();
      this.#o.metrics.deadLettered.inc({ consumer: this.name });
      this.#o.log.error(
        {
          consumer: this.name,
          stream: msg.info.stream,
          seq: msg.seq,
          deliveries: msg.info.deliveryCount,
          reason,
          error,
        },
        "event dead-lettered",
      );
    } catch (dlqErr) {
      // The dead-letter stream is unreachable: keep the message in its stream and try again later.
      this.#o.log.error({ err: dlqErr, consumer: this.name }, "could not dead-letter; will retry");
      msg.nak(retryDelay(msg.info.deliveryCount, this.#o.backoffMs, this.#o.backoffMaxMs));
    }
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
