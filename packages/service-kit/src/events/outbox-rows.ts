import type Database from "better-sqlite3";

/** One unpublished outbox row, as the relay sends it. */
export interface PendingRow {
  readonly seq: number;
  readonly event_id: string;
  readonly subject: string;
  readonly type: string;
  readonly payload: string;
  readonly traceparent: string | null;
}

/** The relay's statements on `kit_outbox`, prepared once. */
export interface OutboxRows {
  /** The oldest rows still to publish (parked ones excluded), in commit order. */
  pending(limit: number): PendingRow[];
  /** Parked rows parked at or before `parkedBefore`, in commit order. */
  parked(parkedBefore: number, limit: number): PendingRow[];
  markPublished(seq: number, streamSeq: number, at: number): void;
  markFailed(seq: number, error: string): void;
  markParked(seq: number, reason: string, at: number): void;
  prune(publishedBefore: number): number;
  pendingStats(): { n: number; oldest: number | null };
  parkedCount(): number;
}

const SELECT_ROW = "SELECT seq, event_id, subject, type, payload, traceparent FROM kit_outbox";

/** `createOutboxRows` prepares the relay's statements; the stats read nothing once the file is closed. */
export function createOutboxRows(db: Database.Database): OutboxRows {
  const pending = db.prepare<[number], PendingRow>(
    `${SELECT_ROW} WHERE published_at IS NULL AND parked_at IS NULL ORDER BY seq LIMIT ?`,
  );
  const parked = db.prepare<[number, number], PendingRow>(
    `${SELECT_ROW} WHERE published_at IS NULL AND parked_at <= ? ORDER BY seq LIMIT ?`,
  );
  const markPublished = db.prepare<[number, number, number]>(
    "UPDATE kit_outbox SET published_at = ?, stream_seq = ?, attempts = attempts + 1, last_error = NULL, parked_at = NULL WHERE seq = ?",
  );
  const markFailed = db.prepare<[string, number]>(
    "UPDATE kit_outbox SET attempts = attempts + 1, last_error = ? WHERE seq = ?",
  );
  const markParked = db.prepare<[number, string, number]>(
    "UPDATE kit_outbox SET parked_at = ?, attempts = attempts + 1, last_error = ? WHERE seq = ?",
  );
  const prune = db.prepare<[number]>(
    "DELETE FROM kit_outbox WHERE published_at IS NOT NULL AND published_at < ?",
  );
  const pendingStats = db.prepare<[], { n: number; oldest: number | null }>(
    "SELECT count(*) AS n, min(created_at) AS oldest FROM kit_outbox WHERE published_at IS NULL AND parked_at IS NULL",
  );
  const parkedCount = db.prepare<[], { n: number }>(
    "SELECT count(*) AS n FROM kit_outbox WHERE published_at IS NULL AND parked_at IS NOT NULL",
  );
  return {
    pending: (limit) => pending.all(limit),
    parked: (parkedBefore, limit) => parked.all(parkedBefore, limit),
    markPublished: (seq, streamSeq, at) => void markPublished.run(at, streamSeq, seq),
    markFailed: (seq, error) => void markFailed.run(error, seq),
    markParked: (seq, reason, at) => void markParked.run(at, reason, seq),
    prune: (publishedBefore) => prune.run(publishedBefore).changes,
    pendingStats: () => (db.open ? (pendingStats.get() ?? { n: 0, oldest: null }) : { n: 0, oldest: null }),
    parkedCount: () => (db.open ? (parkedCount.get()?.n ?? 0) : 0),
  };
}
