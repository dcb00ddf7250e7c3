import type Database from "better-sqlite3";
import { createFloorStore, type FloorStore } from "./read-floor.js";

export interface Inbox {
  /** Run inside the handler's transaction: records the event id; `false` means it was applied already. */
  record(consumer: string, eventId: string, eventType: string, streamSeq: number): boolean;
  /**
   * Counts one failed attempt of `consumer` on stream message `streamSeq` and returns the count so far.
   * Runs on its own, after the failed attempt rolled back.
   */
  recordFailure(consumer: string, streamSeq: number, error: string): number;
  prune(olderThanMs: number): number;
  /** Each consumer's read floor, for the alarm on events that left a stream unread (see `ReadFloor`). */
  readonly floors: FloorStore;
}

/**
 * `createInbox` returns the insert that makes a consumer idempotent, and the failure count that decides
 * when a message is dead-lettered. Failures are counted here rather than taken from JetStream's delivery
 * count, which also grows when a paused or stopping consumer hands a message back without trying it.
 */
export function createInbox(sqlite: Database.Database): Inbox {
  const insert = sqlite.prepare(
    "INSERT INTO kit_inbox (consumer, event_id, event_type, stream_seq, processed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const fail = sqlite.prepare<[string, number, string, number], { failures: number }>(
    `INSERT INTO kit_consumer_failures (consumer, stream_seq, failures, last_error, updated_at) VALUES (?, ?, 1, ?, ?)
     ON CONFLICT (consumer, stream_seq) DO UPDATE SET failures = failures + 1, last_error = excluded.last_error, updated_at = excluded.updated_at
     RETURNING failures`,
  );
  const prune = sqlite.prepare("DELETE FROM kit_inbox WHERE processed_at < ?");
  const pruneFailures = sqlite.prepare("DELETE FROM kit_consumer_failures WHERE updated_at < ?");
  return {
    floors: createFloorStore(sqlite),
    record(consumer, eventId, eventType, streamSeq) {
      return insert.run(consumer, eventId, eventType, streamSeq, Date.now()).changes === 1;
    },
    recordFailure(consumer, streamSeq, error) {
      return fail.get(consumer, streamSeq, error.slice(0, 1000), Date.now())?.failures ?? 1;
    },
    prune(olderThanMs) {
      const cutoff = Date.now() - olderThanMs;
      return prune.run(cutoff).changes + pruneFailures.run(cutoff).changes;
    },
  };
}
