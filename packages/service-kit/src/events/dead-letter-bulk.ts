import { AppError } from "../errors/app-error.js";
import type { DeadLetterFilter } from "./dead-letter-filter.js";
import type { DeadLetters } from "./dead-letters.js";

/** What a bulk run does to each matching dead letter. */
export type DeadLetterBulkAction = "replay" | "discard";

/** How far a bulk run got: every matching dead letter ends up in exactly one of done, failed, skipped. */
export interface DeadLetterBulkCounts {
  matched: number;
  /** Replayed (or discarded, for a discard run). */
  done: number;
  /** Its republish or delete failed; it stays in the dead-letter stream. */
  failed: number;
  /** Gone before its turn: replayed or discarded by someone else meanwhile. */
  skipped: number;
}

export interface DeadLetterBulkOptions {
  readonly deadLetters: DeadLetters;
  readonly action: DeadLetterBulkAction;
  readonly filter?: DeadLetterFilter;
  /** Letters handled at once (each is a read, a publish and a delete). */
  readonly concurrency?: number;
  /** The run stops (and throws) after this many failures in a row: NATS is down, or the target is gone. */
  readonly maxConsecutiveFailures?: number;
  /** Called after each letter, with the counts so far (the same object, updated in place). */
  readonly onProgress?: (counts: Readonly<DeadLetterBulkCounts>) => void;
  readonly signal?: AbortSignal;
}

/** Thrown when a bulk run stops early; `counts` is how far it got. */
export class DeadLetterBulkStopped extends Error {
  override readonly name = "DeadLetterBulkStopped";
  constructor(
    message: string,
    readonly counts: Readonly<DeadLetterBulkCounts>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const isGone = (err: unknown): boolean => err instanceof AppError && err.code === "NOT_FOUND";

/**
 * `runDeadLetterBulk` replays (or discards) every dead letter matching a filter, walking the whole
 * dead-letter stream in batches, a few letters at a time. Each letter is looked up again just before it is
 * handled, so one that someone else replayed meanwhile is skipped rather than sent twice (a second send
 * would be harmless anyway: consumers dedupe by event id). A letter that fails is counted and left in the
 * stream; the run goes on, unless failures come in a row, which means the run cannot succeed.
 *
 * @example
 * const counts = await runDeadLetterBulk({ deadLetters, action: "replay", filter: { service: "payments" } });
 */
export async function runDeadLetterBulk(o: DeadLetterBulkOptions): Promise<DeadLetterBulkCounts> {
  const { deadLetters, action, concurrency = 8, maxConsecutiveFailures = 25 } = o;
  const counts: DeadLetterBulkCounts = { matched: 0, done: 0, failed: 0, skipped: 0 };
  let inARow = 0;
  let lastError: unknown;
  const handle = async (id: number): Promise<void> => {
    try {
      if (action === "replay") await deadLetters.replay(id);
      else await deadLetters.discard(id);
      counts.done++;
      inARow = 0;
    } catch (err) {
      if (isGone(err)) counts.skipped++;
      else {
        counts.failed++;
        inARow++;
        lastError = err;
      }
    }
    o.onProgress?.(counts);
  };
  const stopIfNeeded = (): void => {
    if (o.signal?.aborted) throw new DeadLetterBulkStopped("the run was stopped", counts);
    if (inARow >= maxConsecutiveFailures)
      throw new DeadLetterBulkStopped(`stopped after ${inARow} failures in a row`, counts, {
        cause: lastError,
      });
  };
  for await (const batch of deadLetters.scan(o.filter, { batchSize: 100 })) {
    counts.matched += batch.length;
    o.onProgress?.(counts);
    for (let i = 0; i < batch.length; i += concurrency) {
      stopIfNeeded();
      await Promise.all(batch.slice(i, i + concurrency).map((letter) => handle(letter.id)));
    }
  }
  stopIfNeeded();
  return counts;
}
