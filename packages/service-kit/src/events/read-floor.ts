import type { JetStreamManager } from "@nats-io/jetstream";
import type Database from "better-sqlite3";
import type { Logger } from "pino";

/** What the kit remembers about one durable's reading (table `kit_consumer_floors`). */
export interface FloorRecord {
  /** The durable's creation time as JetStream reports it: a durable recreated since starts afresh. */
  readonly created: string;
  /** Every message meant for this consumer up to this stream sequence has been acknowledged. */
  readonly safeSeq: number;
  /** Loss already reported up to this sequence, so a restart does not report it again. */
  readonly reportedThrough: number;
}

export interface FloorStore {
  get(consumer: string): FloorRecord | undefined;
  set(consumer: string, record: FloorRecord): void;
}

/** `createFloorStore` keeps each consumer's read floor in the service's SQLite file. */
export function createFloorStore(sqlite: Database.Database): FloorStore {
  const select = sqlite.prepare<[string], { created: string; safe_seq: number; reported_through: number }>(
    "SELECT created, safe_seq, reported_through FROM kit_consumer_floors WHERE consumer = ?",
  );
  const upsert = sqlite.prepare<[string, string, number, number, number]>(
    `INSERT INTO kit_consumer_floors (consumer, created, safe_seq, reported_through, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (consumer) DO UPDATE SET created = excluded.created, safe_seq = excluded.safe_seq,
       reported_through = excluded.reported_through, updated_at = excluded.updated_at`,
  );
  return {
    get(consumer) {
      const row = select.get(consumer);
      return row && { created: row.created, safeSeq: row.safe_seq, reportedThrough: row.reported_through };
    },
    set(consumer, r) {
      upsert.run(consumer, r.created, r.safeSeq, r.reportedThrough, Date.now());
    },
  };
}

/** Stream sequences that left the stream before the consumer had read them. */
export interface FloorGap {
  readonly fromSeq: number;
  readonly toSeq: number;
}

export interface ReadFloorOptions {
  readonly jsm: JetStreamManager;
  readonly stream: string;
  readonly consumer: string;
  readonly store: FloorStore | undefined;
  readonly log: Logger;
  /** Called with how many stream messages (an upper bound of the consumer's lost events) newly went missing. */
  readonly onLost: (count: number, gap: FloorGap) => void;
}

/**
 * `ReadFloor` raises the alarm when messages left a stream before a consumer read them: its ack floor is
 * below the stream's first sequence. Streams discard new messages when full, so only age (or an operator's
 * purge) removes them, and a consumer that was down or stuck for longer than the stream's max age has lost
 * them: JetStream's durable just skips ahead, silently.
 *
 * The bare comparison would also fire for a consumer that simply had nothing to read: its ack floor stays
 * on the last message of its subject while other subjects' messages pass and age out. So the kit records a
 * safer floor while it watches: whenever the durable has nothing pending and nothing unacknowledged, every
 * message up to the stream's last sequence (read just before) is accounted for. The alarm compares the
 * higher of the two with the first sequence. What it reports is an upper bound (the missing range may hold
 * other subjects' messages too), logged as an error, counted, and shown in readiness.
 */
export class ReadFloor {
  readonly #o: ReadFloorOptions;
  #gap: FloorGap | undefined;
  #lost = 0;
  #timer: NodeJS.Timeout | undefined;
  #checking = false;

  constructor(options: ReadFloorOptions) {
    this.#o = options;
  }

  /** The missing range seen at the last check, if any. */
  get gap(): FloorGap | undefined {
    return this.#gap;
  }

  /** Stream messages this process found missing before the consumer read them. */
  get lost(): number {
    return this.#lost;
  }

  /** Checks every `intervalMs` (see `floorCheckInterval`) until `unwatch`. */
  watch(intervalMs: number): void {
    this.#timer ??= setInterval(() => void this.checkQuietly(), intervalMs).unref();
  }

  unwatch(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** `check`, one at a time, and never throwing: it is an alarm and must not hold up consumption. */
  async checkQuietly(options: { created?: boolean } = {}): Promise<void> {
    if (this.#checking) return;
    this.#checking = true;
    try {
      await this.check(options);
    } catch (err) {
      this.#o.log.debug({ err, consumer: this.#o.consumer }, "read floor check failed; it runs again");
    } finally {
      this.#checking = false;
    }
  }

  /**
   * `check` compares the floor with the stream, reports new loss and records the safe floor. Run before
   * consuming starts (afterwards the ack floor moves past the gap and the evidence is gone) and regularly
   * while running. `created` says the durable was created just now: history before it is not its loss.
   */
  async check({ created = false }: { created?: boolean } = {}): Promise<void> {
    const { jsm, stream, consumer, store, log } = this.#o;
    // Stream first, then the durable: "nothing pending" then covers everything the stream held at that point.
    const state = (await jsm.streams.info(stream)).state;
    const info = await jsm.consumers.info(stream, consumer);
    const known = store?.get(consumer);
    const same = known?.created === info.created;
    let safe = Math.max(info.ack_floor.stream_seq, same ? known.safeSeq : 0);
    if (created) safe = Math.max(safe, state.first_seq - 1);
    let reported = same ? known.reportedThrough : 0;
    const goneThrough = state.first_seq - 1;
    if (goneThrough > safe) {
      const gap = { fromSeq: safe + 1, toSeq: goneThrough };
      this.#gap = gap;
      const from = Math.max(safe, reported) + 1;
      if (goneThrough >= from) {
        const count = goneThrough - from + 1;
        this.#lost += count;
        reported = goneThrough;
        log.error(
          { consumer, stream, fromSeq: from, toSeq: goneThrough, upTo: count, firstSeq: state.first_seq },
          "events left the stream before this consumer read them: they are lost to it",
        );
        this.#o.onLost(count, gap);
      }
    } else {
      this.#gap = undefined;
    }
    if (info.num_pending === 0 && info.num_ack_pending === 0) safe = Math.max(safe, state.last_seq);
    if (!store || (same && known.safeSeq === safe && known.reportedThrough === reported)) return;
    try {
      store.set(consumer, { created: info.created, safeSeq: safe, reportedThrough: reported });
    } catch (err) {
      // The disk may be full: the floor is only a hint, the check runs again.
      log.debug({ err, consumer }, "could not record the read floor");
    }
  }
}

/**
 * `floorCheckInterval` is how often the floor is sampled: well within the stream's max age (only messages
 * older than that leave the stream), between 1 s and 1 min.
 */
export function floorCheckInterval(maxAgeMs: number): number {
  if (maxAgeMs <= 0) return 60_000;
  return Math.min(60_000, Math.max(1000, Math.floor(maxAgeMs / 10)));
}
