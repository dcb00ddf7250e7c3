import type { SchemaModule } from "./schema-modules.js";

/**
 * The kit's own tables in every service's file:
 * - `kit_outbox`: events recorded in the same transaction as the state change, published by the relay;
 * - `kit_inbox`: ids of events each consumer has applied, written in the same transaction as the effect;
 * - `kit_idempotency`: the response of each command per idempotency key, written with its state change;
 * - `kit_consumer_failures`: how often each consumer's handler failed on a message, so the dead-letter
 *   threshold counts failed attempts, not deliveries (a pause or a shutdown hands messages back unfailed);
 * - `kit_aggregate_seq`: the last sequence number the service gave its events about each aggregate
 *   (see `emit(..., { aggregate })`), advanced in the transaction that records the event;
 * - `kit_outbox.parked_at`: set on a row JetStream can never accept as it is (no stream captures its
 *   subject, or it is too large), so it stops holding back the rows behind it;
 * - `kit_heartbeat`: the readiness probe's committed write (a real write, not `SELECT 1`);
 * - `kit_consumer_floors`: per consumer, the stream sequence up to which it is known to have read
 *   everything meant for it, so events that age out of a stream unread can be told apart from events
 *   that were never meant for it.
 */
export const kitSchema: SchemaModule = {
  name: "service-kit",
  migrations: [
    `CREATE TABLE kit_outbox (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      event_id TEXT NOT NULL UNIQUE,
      subject TEXT NOT NULL,
      type TEXT NOT NULL,
      payload TEXT NOT NULL,
      traceparent TEXT,
      created_at INTEGER NOT NULL,
      published_at INTEGER,
      stream_seq INTEGER,
      attempts INTEGER NOT NULL DEFAULT 0,
      last_error TEXT
    );
    CREATE INDEX kit_outbox_pending ON kit_outbox (seq) WHERE published_at IS NULL;
    CREATE INDEX kit_outbox_published ON kit_outbox (published_at) WHERE published_at IS NOT NULL;
    CREATE TABLE kit_inbox (
      consumer TEXT NOT NULL,
      event_id TEXT NOT NULL,
      event_type TEXT NOT NULL,
      stream_seq INTEGER,
      processed_at INTEGER NOT NULL,
      PRIMARY KEY (consumer, event_id)
    ) WITHOUT ROWID;
    CREATE INDEX kit_inbox_processed ON kit_inbox (processed_at);`,
    `CREATE TABLE kit_idempotency (
      endpoint TEXT NOT NULL,
      key TEXT NOT NULL,
      request_hash TEXT NOT NULL,
      response TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (endpoint, key)
    ) WITHOUT ROWID;
    CREATE INDEX kit_idempotency_created ON kit_idempotency (created_at);`,
    `CREATE TABLE kit_consumer_failures (
      consumer TEXT NOT NULL,
      stream_seq INTEGER NOT NULL,
      failures INTEGER NOT NULL,
      last_error TEXT NOT NULL,
      updated_at INTEGER NOT NULL,
      PRIMARY KEY (consumer, stream_seq)
    ) WITHOUT ROWID;
    CREATE INDEX kit_consumer_failures_updated ON kit_consumer_failures (updated_at);`,
    `CREATE TABLE kit_aggregate_seq (
      aggregate TEXT PRIMARY KEY,
      seq INTEGER NOT NULL
    ) WITHOUT ROWID;`,
    `ALTER TABLE kit_outbox ADD COLUMN parked_at INTEGER;
    CREATE INDEX kit_outbox_parked ON kit_outbox (parked_at) WHERE parked_at IS NOT NULL;
    CREATE TABLE kit_heartbeat (
      name TEXT PRIMARY KEY,
      instance TEXT NOT NULL,
      beat_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE kit_consumer_floors (
      consumer TEXT PRIMARY KEY,
      created TEXT NOT NULL,
      safe_seq INTEGER NOT NULL,
      reported_through INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) WITHOUT ROWID;`,
  ],
};
