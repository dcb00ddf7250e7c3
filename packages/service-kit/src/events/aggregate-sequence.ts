import type Database from "better-sqlite3";
import { EventValidationError } from "./envelope.js";

/** Longest aggregate key an envelope accepts (as `EventSequence` in the contracts). */
const MAX_KEY_LENGTH = 200;

/**
 * `createAggregateSequencer` returns the function that gives the next sequence number of an aggregate
 * (1, 2, 3 … per key), stored in `kit_aggregate_seq`. It runs inside the transaction that records the
 * event, so numbers follow commit order, and a rolled-back transaction gives its number back.
 */
export function createAggregateSequencer(sqlite: Database.Database): (key: string) => number {
  const next = sqlite.prepare<[string], { seq: number }>(
    `INSERT INTO kit_aggregate_seq (aggregate, seq) VALUES (?, 1)
     ON CONFLICT (aggregate) DO UPDATE SET seq = seq + 1
     RETURNING seq`,
  );
  return (key) => {
    if (key.length === 0 || key.length > MAX_KEY_LENGTH)
      throw new EventValidationError(`an aggregate key has 1 to ${MAX_KEY_LENGTH} characters`);
    const row = next.get(key);
    if (!row) throw new Error("kit_aggregate_seq returned no row");
    return row.seq;
  };
}
