import type Database from "better-sqlite3";

/**
 * `createInbox` returns the insert that makes a consumer idempotent: run inside the handler's transaction,
 * it records the event id; `false` means the consumer already applied this event (skip it).
 */
export function createInbox(sqlite: Database.Database): {
  record(consumer: string, eventId: string, eventType: string, streamSeq: number): boolean;
  prune(olderThanMs: number): number;
} {
  const insert = sqlite.prepare(
    "INSERT INTO kit_inbox (consumer, event_id, event_type, stream_seq, processed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
  );
  const prune = sqlite.prepare("DELETE FROM kit_inbox WHERE processed_at < ?");
  return {
    record(consumer, eventId, eventType, streamSeq) {
      return insert.run(consumer, eventId, eventType, streamSeq, Date.now()).changes === 1;
    },
    prune(olderThanMs) {
      return prune.run(Date.now() - olderThanMs).changes;
    },
  };
}
