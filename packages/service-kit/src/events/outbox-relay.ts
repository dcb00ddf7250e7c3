import type { JetStreamClient } from "@nats-io/jetstream";
import type Database from "better-sqlite3";
import type { Logger } from "pino";
import { Counter, Gauge, type Registry } from "prom-client";
import { H, makeHeaders } from "../nats/headers.js";

interface PendingRow {
  seq: number;
  event_id: string;
  subject: string;
  type: string;
  payload: string;
  traceparent: string | null;
}

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
}

export interface OutboxStats {
  readonly pending: number;
  readonly oldestPendingAgeMs: number;
  readonly published: number;
  readonly publishErrors: number;
  readonly lastError: string | undefined;
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
 * order of different events (the kit's inbox and the read models' time-guarded projections do not).
 */
export class OutboxRelay {
  readonly #o: Required<Omit<OutboxRelayOptions, "registry">>;
  readonly #selectPending: Database.Statement<[number], PendingRow>;
  readonly #markPublished: Database.Statement<[number, number, number]>;
  readonly #markFailed: Database.Statement<[string, number]>;
  readonly #prune: Database.Statement<[number]>;
  readonly #pendingStats: Database.Statement<[], { n: number; oldest: number | null }>;
  #running = false;
  #stopped = false;
  #wake: (() => void) | undefined;
  #woken = false;
  #loop: Promise<void> | undefined;
  #degraded = false;
  #lastPrune = 0;
  #published = 0;
  #errors = 0;
  #lastError: string | undefined;
  readonly #publishedTotal: Counter;
  readonly #errorsTotal: Counter;

  constructor(options: OutboxRelayOptions) {
    this.#o = {
      sqlite: options.sqlite,
      js: options.js,
      log: options.log,
      batch: options.batch ?? 64,
      sweepMs: options.sweepMs ?? 1000,
      retentionMs: options.retentionMs ?? 24 * 60 * 60 * 1000,
      publishTimeoutMs: options.publishTimeoutMs ?? 5000,
    };
    const db = options.sqlite;
    this.#selectPending = db.prepare(
      "SELECT seq, event_id, subject, type, payload, traceparent FROM kit_outbox WHERE published_at IS NULL ORDER BY seq LIMIT ?",
    );
    this.#markPublished = db.prepare(
      "UPDATE kit_outbox SET published_at = ?, stream_seq = ?, attempts = attempts + 1, last_error = NULL WHERE seq = ?",
    );
    this.#markFailed = db.prepare(
      "UPDATE kit_outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?",
    );
    this.#prune = db.prepare("DELETE FROM kit_outbox WHERE published_at IS NOT NULL AND published_at < ?");
    this.#pendingStats = db.prepare(
      "SELECT count(*) AS n, min(created_at) AS oldest FROM kit_outbox WHERE published_at IS NULL",
    );

    const stats = (): { n: number; oldest: number | null } =>
      db.open ? (this.#pendingStats.get() ?? { n: 0, oldest: null }) : { n: 0, oldest: null };
    new Gauge({
      name: "bazaar_outbox_pending",
      help: "Events committed but not yet acknowledged by JetStream.",
      registers: [options.registry],
      collect() {
        this.set(stats().n);
      },
    });
    new Gauge({
      name: "bazaar_outbox_oldest_pending_age_seconds",
      help: "Age of the oldest unpublished event (0 when none).",
      registers: [options.registry],
      collect() {
        const { oldest } = stats();
        this.set(oldest ? (Date.now() - oldest) / 1000 : 0);
      },
    });
    this.#publishedTotal = new Counter({
      name: "bazaar_outbox_published_total",
      help: "Events published from the outbox.",
      registers: [options.registry],
    });
    this.#errorsTotal = new Counter({
      name: "bazaar_outbox_publish_errors_total",
      help: "Failed outbox publish attempts.",
      registers: [options.registry],
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
    const { n, oldest } = this.#o.sqlite.open
      ? (this.#pendingStats.get() ?? { n: 0, oldest: null })
      : { n: 0, oldest: null };
    return {
      pending: n,
      oldestPendingAgeMs: oldest ? Date.now() - oldest : 0,
      published: this.#published,
      publishErrors: this.#errors,
      lastError: this.#lastError,
    };
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
      } catch (err) {
        backoff = Math.min(Math.max(backoff * 2, 100), 5000);
        this.#errors++;
        this.#errorsTotal.inc();
        this.#lastError = err instanceof Error ? err.message : String(err);
        this.#o.log.warn({ err, retryInMs: backoff }, "outbox publish failed; events wait in the outbox");
        await this.#sleep(backoff);
        continue;
      }
      if (count > 0) continue;
      await this.#sleep(this.#o.sweepMs);
    }
  }

  /** Publishes one batch; returns how many rows it published. */
  async #publishBatch(): Promise<number> {
    if (!this.#o.sqlite.open) return 0;
    const rows = this.#selectPending.all(this.#degraded ? 1 : this.#o.batch);
    if (rows.length === 0) return 0;
    const results = await Promise.allSettled(
      rows.map((row) =>
        this.#o.js.publish(row.subject, row.payload, {
          msgID: row.event_id,
          timeout: this.#o.publishTimeoutMs,
          headers: makeHeaders({
            [H.traceparent]: row.traceparent ?? undefined,
            [H.eventType]: row.type,
            [H.eventId]: row.event_id,
          }),
        }),
      ),
    );
    const now = Date.now();
    let firstError: unknown;
    this.#o.sqlite.transaction(() => {
      results.forEach((r, i) => {
        const row = rows[i] as PendingRow;
        if (r.status === "fulfilled") {
          this.#markPublished.run(now, r.value.seq, row.seq);
        } else {
          firstError ??= r.reason;
          this.#markFailed.run(String((r.reason as Error)?.message ?? r.reason), row.seq);
        }
      });
    })();
    const ok = results.filter((r) => r.status === "fulfilled").length;
    this.#published += ok;
    this.#publishedTotal.inc(ok);
    if (firstError !== undefined) {
      this.#degraded = true;
      throw firstError;
    }
    this.#degraded = false;
    return rows.length;
  }

  #pruneMaybe(): void {
    const now = Date.now();
    if (now - this.#lastPrune < Math.min(60_000, Math.max(1000, this.#o.retentionMs))) return;
    this.#lastPrune = now;
    const removed = this.#prune.run(now - this.#o.retentionMs).changes;
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
