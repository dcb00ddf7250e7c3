import type { JetStreamClient, JetStreamManager, PubAck } from "@nats-io/jetstream";
import type Database from "better-sqlite3";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { H, makeHeaders } from "../nats/headers.js";
import { SpanKind, startSpan } from "../tracing/spans.js";
import { NO_TELEMETRY, type Telemetry } from "../tracing/telemetry.js";
import { parseTraceparent } from "../tracing/trace-context.js";
import { BackPressureAlarm } from "./back-pressure-alarm.js";
import { createOutboxMetrics, type OutboxMetrics } from "./outbox-metrics.js";
import { createOutboxRows, type OutboxRows, type PendingRow } from "./outbox-rows.js";
import { classifyFailures, classifyPublishFailure, type PublishFailure } from "./publish-failure.js";

export interface OutboxRelayOptions {
  readonly sqlite: Database.Database;
  readonly js: JetStreamClient;
  readonly log: Logger;
  readonly registry: Registry;
  /** Events published before awaiting their acks (1 = strictly one at a time). */
  readonly batch?: number;
  /** Periodic sweep, in case a wake-up was missed or NATS was down. */
  readonly sweepMs?: number;
  /** How long published rows are kept (for inspection) before they are pruned. */
  readonly retentionMs?: number;
  readonly publishTimeoutMs?: number;
  /** How long a parked row waits before it is tried again (a stream may have been added meanwhile). */
  readonly parkedRetryMs?: number;
  /** A span per publish (default: none). */
  readonly telemetry?: Telemetry;
}

export interface OutboxStats {
  /** Rows waiting to be published (parked ones excluded). */
  readonly pending: number;
  readonly oldestPendingAgeMs: number;
  /** Rows JetStream can never accept as they are; they no longer hold back the rows behind them. */
  readonly parked: number;
  /** True while a full stream refuses this service's events. */
  readonly backPressure: boolean;
  readonly published: number;
  readonly publishErrors: number;
  readonly lastError: string | undefined;
}

/** Thrown by a pass that could not publish everything; the loop backs off and tries again. */
class PassFailed extends Error {
  override readonly name = "PassFailed";
}

/**
 * `OutboxRelay` publishes committed outbox rows to JetStream in order, with the event id as `Nats-Msg-Id`
 * (the stream drops a repeat inside its duplicate window) and marks them published only after the ack.
 * It wakes right after each commit, sweeps periodically, backs off while NATS is unreachable (rows just
 * wait; the service keeps accepting work), and prunes published rows after the retention period.
 *
 * Rows are sent in commit order. A batch is published pipelined and acked together, so when one publish in
 * a batch fails, the later ones may already be stored and the failed row lands after them on retry; the
 * relay then drops to one event at a time until a publish succeeds. Consumers therefore never rely on the
 * order of different events (the kit's inbox and the read models' per-aggregate sequence guards do not).
 *
 * A full stream (it discards new messages) refuses the row: that is back-pressure, not a failure of the
 * row. The row and everything behind it wait, and the relay alerts (an error log when it starts, a gauge,
 * a counter) until the stream has room. A row JetStream can never accept as it is (no stream captures its
 * subject, or it is too large) is parked instead: marked, counted, logged as an error, and left behind
 * while the rows after it go on. Holding back its aggregate's later events would not make it deliverable;
 * it would only stall that aggregate for every consumer, and consumers already order events by their
 * per-aggregate sequence rather than arrival. Parked rows are retried every `parkedRetryMs`.
 */
export class OutboxRelay {
  readonly #o: Required<Omit<OutboxRelayOptions, "registry">>;
  readonly #rows: OutboxRows;
  readonly #metrics: OutboxMetrics;
  #running = false;
  #stopped = false;
  #wake: (() => void) | undefined;
  #woken = false;
  #loop: Promise<void> | undefined;
  #degraded = false;
  #lastPrune = 0;
  #lastParkedRetry = 0;
  #published = 0;
  #errors = 0;
  #lastError: string | undefined;
  readonly #backPressure: BackPressureAlarm;
  #jsm: JetStreamManager | undefined;

  constructor(options: OutboxRelayOptions) {
    this.#o = {
      sqlite: options.sqlite,
      js: options.js,
      log: options.log,
      batch: options.batch ?? 64,
      sweepMs: options.sweepMs ?? 1000,
      retentionMs: options.retentionMs ?? 24 * 60 * 60 * 1000,
      publishTimeoutMs: options.publishTimeoutMs ?? 5000,
      parkedRetryMs: options.parkedRetryMs ?? 10 * 60 * 1000,
      telemetry: options.telemetry ?? NO_TELEMETRY,
    };
    this.#rows = createOutboxRows(options.sqlite);
    this.#backPressure = new BackPressureAlarm(options.log);
    this.#metrics = createOutboxMetrics(options.registry, {
      pending: () => this.#rows.pendingStats(),
      parked: () => this.#rows.parkedCount(),
      backPressure: () => this.#backPressure.active,
    });
  }

  /** Starts the relay loop. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = this.#run();
  }

  /** Wakes the relay: called right after a transaction that recorded events commits. */
  notify(): void {
    this.#woken = true;
    this.#wake?.();
  }

  stats(): OutboxStats {
    const { n, oldest } = this.#rows.pendingStats();
    return {
      pending: n,
      oldestPendingAgeMs: oldest ? Date.now() - oldest : 0,
      parked: this.#rows.parkedCount(),
      backPressure: this.#backPressure.active,
      published: this.#published,
      publishErrors: this.#errors,
      lastError: this.#lastError,
    };
  }

  /** Tries every parked row again now (e.g. after an operator added the stream its subject needed). */
  async retryParked(): Promise<number> {
    return this.#retryParked(Date.now());
  }

  /** Stops the loop; publishes what is pending if it can within `graceMs`. */
  async stop(graceMs = 2000): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.notify();
    await this.#loop;
    if (this.#o.sqlite.open && graceMs > 0) {
      const until = Date.now() + graceMs;
      while (Date.now() < until) {
        try {
          if ((await this.#publishBatch()) === 0) break;
        } catch {
          break;
        }
      }
    }
  }

  async #run(): Promise<void> {
    let backoff = 0;
    while (!this.#stopped) {
      let count = 0;
      try {
        count = await this.#publishBatch();
        backoff = 0;
        this.#pruneMaybe();
        if (count === 0) await this.#retryParkedMaybe();
      } catch (err) {
        backoff = Math.min(Math.max(backoff * 2, 100), 5000);
        this.#errors++;
        this.#metrics.publishErrors.inc();
        this.#lastError = err instanceof Error ? err.message : String(err);
        if (!this.#backPressure.active)
          this.#o.log.warn({ err, retryInMs: backoff }, "outbox publish failed; events wait in the outbox");
        await this.#sleep(backoff);
        continue;
      }
      if (count > 0) continue;
      await this.#sleep(this.#o.sweepMs);
    }
  }

  async #publish(row: PendingRow): Promise<PubAck> {
    const span = startSpan(this.#o.telemetry, {
      name: `publish ${row.subject}`,
      kind: SpanKind.PRODUCER,
      parent: parseTraceparent(row.traceparent),
      attributes: {
        "messaging.system": "nats",
        "messaging.operation.type": "send",
        "messaging.destination.name": row.subject,
        "messaging.message.id": row.event_id,
      },
    });
    try {
      const ack = await this.#o.js.publish(row.subject, row.payload, {
        msgID: row.event_id,
        timeout: this.#o.publishTimeoutMs,
        headers: makeHeaders({
          [H.traceparent]: row.traceparent ?? undefined,
          [H.eventType]: row.type,
          [H.eventId]: row.event_id,
        }),
      });
      span.setAttributes({
        "messaging.nats.stream_sequence": ack.seq,
        "messaging.nats.duplicate": ack.duplicate,
      });
      span.end();
      return ack;
    } catch (err) {
      span.end(err);
      throw err;
    }
  }

  async #manager(): Promise<JetStreamManager> {
    this.#jsm ??= await this.#o.js.jetstreamManager(false);
    return this.#jsm;
  }

  /** Publishes one batch; returns how many rows it settled (published or parked). */
  async #publishBatch(): Promise<number> {
    if (!this.#o.sqlite.open) return 0;
    const rows = this.#rows.pending(this.#degraded ? 1 : this.#o.batch);
    if (rows.length === 0) return 0;
    const results = await Promise.allSettled(rows.map((row) => this.#publish(row)));
    const failures = await classifyFailures(
      rows.map((r) => r.subject),
      results,
      (subject) => this.#manager().then((jsm) => jsm.streams.find(subject)),
    );
    const now = Date.now();
    let retry: PublishFailure | undefined;
    let ok = 0;
    if (!this.#o.sqlite.open) return 0;
    this.#o.sqlite.transaction(() => {
      results.forEach((r, i) => {
        const row = rows[i] as PendingRow;
        const failure = failures.get(i);
        if (r.status === "fulfilled") {
          this.#rows.markPublished(row.seq, r.value.seq, now);
          ok++;
        } else if (failure?.kind === "unpublishable") {
          this.#rows.markParked(row.seq, failure.reason, now);
          this.#parkedAlert(row, failure);
        } else {
          retry ??= failure;
          this.#rows.markFailed(row.seq, failure?.reason ?? String(r.reason));
        }
      });
    })();
    this.#published += ok;
    this.#metrics.published.inc(ok);
    const full = [...failures.values()].filter((f) => f.kind === "back_pressure");
    if (full.length > 0) {
      this.#metrics.backPressure.inc(full.length);
      const { n, oldest } = this.#rows.pendingStats();
      this.#backPressure.raise({
        subject: (rows[0] as PendingRow).subject,
        reason: (full[0] as PublishFailure).reason,
        pending: n,
        oldestPendingAgeMs: oldest ? Date.now() - oldest : 0,
      });
    }
    const failure = retry as PublishFailure | undefined;
    if (failure) {
      this.#degraded = true;
      throw new PassFailed(failure.reason);
    }
    this.#degraded = false;
    this.#backPressure.clear();
    return rows.length;
  }

  #parkedAlert(row: PendingRow, failure: PublishFailure): void {
    this.#metrics.parked.inc({ reason: failure.kind === "unpublishable" ? failure.park : "unknown" });
    this.#o.log.error(
      {
        outboxSeq: row.seq,
        eventId: row.event_id,
        eventType: row.type,
        subject: row.subject,
        reason: failure.reason,
      },
      "outbox event parked: JetStream cannot accept it as it is; the events behind it go on",
    );
  }

  async #retryParkedMaybe(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastParkedRetry < this.#o.parkedRetryMs) return;
    this.#lastParkedRetry = now;
    await this.#retryParked(now - this.#o.parkedRetryMs);
  }

  /** Publishes parked rows parked at or before `parkedBefore`, one at a time; returns how many went out. */
  async #retryParked(parkedBefore: number): Promise<number> {
    if (!this.#o.sqlite.open) return 0;
    let sent = 0;
    for (const row of this.#rows.parked(parkedBefore, 100)) {
      let ack: PubAck;
      try {
        ack = await this.#publish(row);
      } catch (err) {
        const failure = await classifyPublishFailure(err, row.subject, (s) =>
          this.#manager().then((jsm) => jsm.streams.find(s)),
        );
        if (failure.kind !== "unpublishable") return sent;
        if (this.#o.sqlite.open) this.#rows.markParked(row.seq, failure.reason, Date.now());
        continue;
      }
      if (!this.#o.sqlite.open) return sent;
      this.#rows.markPublished(row.seq, ack.seq, Date.now());
      sent++;
      this.#o.log.info({ outboxSeq: row.seq, eventId: row.event_id }, "parked outbox event published");
    }
    return sent;
  }

  #pruneMaybe(): void {
    const now = Date.now();
    if (now - this.#lastPrune < Math.min(60_000, Math.max(1000, this.#o.retentionMs))) return;
    this.#lastPrune = now;
    const removed = this.#rows.prune(now - this.#o.retentionMs);
    if (removed > 0) this.#o.log.debug({ removed }, "pruned published outbox rows");
  }

  #sleep(ms: number): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = () => {
        this.#wake = undefined;
        this.#woken = false;
        done();
      };
    });
  }
}
