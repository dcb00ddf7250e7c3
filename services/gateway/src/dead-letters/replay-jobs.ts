import { randomUUID } from "node:crypto";
import {
  ConflictError,
  type DeadLetterBulkAction,
  type DeadLetterBulkCounts,
  type DeadLetterFilter,
  type DeadLetters,
  type Logger,
  runDeadLetterBulk,
  UnprocessableError,
} from "@bazaar/service-kit/platform";
import type { Filter, ReplayJob } from "./dead-letter-schemas.js";

export interface StartJob {
  readonly kind: DeadLetterBulkAction;
  /** The filter as the operator wrote it (what the job shows). */
  readonly shown: Filter;
  readonly filter: DeadLetterFilter;
  readonly startedBy: string | undefined;
  /** The client's `Idempotency-Key`, scoped to its user: a repeat returns the job it started. */
  readonly idempotencyKey: string | undefined;
  /** A discard's reason, for the log. */
  readonly reason?: string;
}

export interface ReplayJobsOptions {
  readonly deadLetters: DeadLetters;
  readonly log: Logger;
  /** Finished jobs kept for `get`/`list` (the oldest go first). */
  readonly keep?: number;
}

interface Entry {
  job: ReplayJob;
  readonly idempotencyKey: string | undefined;
  readonly fingerprint: string;
}

/**
 * `createReplayJobs` runs bulk replays and discards of dead letters in the gateway, one at a time, and
 * keeps their progress for operators to poll. Jobs live in this gateway's memory only: a restart loses the
 * job record, not the replays already done (each letter leaves the dead-letter stream as it is replayed),
 * and running the same replay again is harmless because consumers dedupe by event id. One job at a time
 * bounds what a click can cost the system (a second one is CONFLICT until the first ends).
 */
export function createReplayJobs(o: ReplayJobsOptions) {
  const { deadLetters, log, keep = 20 } = o;
  const entries = new Map<string, Entry>();
  const byKey = new Map<string, string>();
  let running: string | undefined;

  const forget = (): void => {
    const finished = [...entries.values()].filter((e) => e.job.status !== "running");
    for (const entry of finished.slice(0, Math.max(0, finished.length - keep))) {
      entries.delete(entry.job.jobId);
      if (entry.idempotencyKey) byKey.delete(entry.idempotencyKey);
    }
  };

  const update = (entry: Entry, counts: Readonly<DeadLetterBulkCounts>): void => {
    const done = entry.job.kind === "replay" ? { replayed: counts.done } : { discarded: counts.done };
    entry.job = {
      ...entry.job,
      ...done,
      matched: counts.matched,
      failed: counts.failed,
      skipped: counts.skipped,
    };
  };

  const run = async (entry: Entry, input: StartJob): Promise<void> => {
    const { jobId, kind } = entry.job;
    try {
      const counts = await runDeadLetterBulk({
        deadLetters,
        action: kind,
        filter: input.filter,
        onProgress: (c) => update(entry, c),
      });
      update(entry, counts);
      entry.job = { ...entry.job, status: "completed", finishedAt: new Date().toISOString() };
      log.warn({ jobId, kind, by: input.startedBy, counts }, `dead-letter ${kind} job completed`);
    } catch (err) {
      const counts = (err as { counts?: DeadLetterBulkCounts }).counts;
      if (counts) update(entry, counts);
      entry.job = {
        ...entry.job,
        status: "failed",
        finishedAt: new Date().toISOString(),
        error: err instanceof Error ? err.message : "the job failed",
      };
      log.error({ err, jobId, kind, by: input.startedBy }, `dead-letter ${kind} job failed`);
    } finally {
      running = undefined;
      forget();
    }
  };

  return {
    /** Starts a job, or returns the one the same idempotency key started. */
    start(input: StartJob): { job: ReplayJob; repeat: boolean } {
      const fingerprint = JSON.stringify([input.kind, input.shown, input.reason ?? null]);
      const previous = input.idempotencyKey ? byKey.get(input.idempotencyKey) : undefined;
      const earlier = previous ? entries.get(previous) : undefined;
      if (earlier) {
        if (earlier.fingerprint !== fingerprint)
          throw new UnprocessableError(
            "this idempotency key was already used for a different dead-letter job",
            {
              reason: "IDEMPOTENCY_KEY_REUSED",
            },
          );
        return { job: earlier.job, repeat: true };
      }
      if (running)
        throw new ConflictError(`dead-letter job ${running} is still running: wait for it to end`, {
          reason: "DEAD_LETTER_JOB_RUNNING",
        });
      const jobId = randomUUID();
      const entry: Entry = {
        idempotencyKey: input.idempotencyKey,
        fingerprint,
        job: {
          jobId,
          kind: input.kind,
          status: "running",
          filter: input.shown,
          groupKey: input.shown.groupKey ?? null,
          matched: 0,
          replayed: 0,
          discarded: 0,
          failed: 0,
          skipped: 0,
          startedAt: new Date().toISOString(),
          finishedAt: null,
          startedBy: input.startedBy ?? null,
          error: null,
        },
      };
      entries.set(jobId, entry);
      if (input.idempotencyKey) byKey.set(input.idempotencyKey, jobId);
      running = jobId;
      log.warn(
        { jobId, kind: input.kind, by: input.startedBy, filter: input.shown, reason: input.reason },
        `dead-letter ${input.kind} job started by an operator`,
      );
      // `run` settles on its own (it records any failure in the job), so nothing awaits it.
      void run(entry, input);
      return { job: entry.job, repeat: false };
    },
    get: (jobId: string): ReplayJob | undefined => entries.get(jobId)?.job,
    /** Newest first. */
    list: (): ReplayJob[] => [...entries.values()].map((e) => e.job).reverse(),
    /** Whether a job is running (shutdown waits for nothing: a restart loses only the record). */
    busy: (): boolean => running !== undefined,
  };
}

export type ReplayJobs = ReturnType<typeof createReplayJobs>;
