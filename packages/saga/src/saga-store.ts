import { decodeCursor, keysetLimit, keysetPage } from "@bazaar/service-kit/platform";
import type Database from "better-sqlite3";
import type {
  SagaHistoryEntry,
  SagaListOptions,
  SagaStatus,
  SagaStepView,
  SagaSummary,
  SagaView,
  StepStatus,
} from "./types.js";

interface InstanceRow {
  saga_id: string;
  type: string;
  correlation_id: string;
  status: SagaStatus;
  data: string;
  current_step: number;
  failure_reason: string | null;
  cancel_reason: string | null;
  attention_phase: "execute" | "compensate" | null;
  attention_reason: string | null;
  wake_at: number | null;
  auto_retries: number;
  trace_id: string | null;
  created_at: string;
  updated_at: string;
}

interface StepRow {
  saga_id: string;
  idx: number;
  name: string;
  status: StepStatus;
  needs_compensation: number;
  attempts: number;
  compensation_attempts: number;
  started_at: string | null;
  finished_at: string | null;
  last_error: string | null;
}

interface HistoryRow {
  at: string;
  step: string | null;
  phase: SagaHistoryEntry["phase"];
  outcome: SagaHistoryEntry["outcome"];
  attempt: number | null;
  duration_ms: number | null;
  error: string | null;
  message: string | null;
}

export interface SagaRecord {
  readonly sagaId: string;
  readonly type: string;
  readonly correlationId: string;
  readonly status: SagaStatus;
  readonly data: Record<string, unknown>;
  readonly currentStep: number;
  readonly failureReason: string | null;
  readonly cancelReason: string | null;
  /** Set while the saga requires attention: the phase it stopped in. */
  readonly attentionPhase: "execute" | "compensate" | null;
  /** Epoch ms of the next automatic retry while the saga waits for it, else null. */
  readonly wakeAt: number | null;
  /** Automatic retry rounds so far (reset by an operator's retry). */
  readonly autoRetries: number;
  readonly steps: StepRow[];
}

const now = (): string => new Date().toISOString();
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** What the admin views show as the reason: why it waits (for an operator or a retry), else why it compensated. */
const shownReason = (row: InstanceRow): string | null =>
  row.status === "requires_attention" || row.wake_at !== null
    ? (row.attention_reason ?? row.failure_reason)
    : row.failure_reason;

/** `createSagaStore` is every read and write of the saga tables (prepared once, synchronous). */
export function createSagaStore(sqlite: Database.Database) {
  const s = {
    insertInstance: sqlite.prepare(
      "INSERT INTO saga_instances (saga_id, type, correlation_id, status, data, trace_id, created_at, updated_at) VALUES (?, ?, ?, 'running', ?, ?, ?, ?)",
    ),
    insertStep: sqlite.prepare(
      "INSERT INTO saga_steps (saga_id, idx, name, status) VALUES (?, ?, ?, 'pending')",
    ),
    instance: sqlite.prepare<[string], InstanceRow>("SELECT * FROM saga_instances WHERE saga_id = ?"),
    byCorrelation: sqlite.prepare<[string], InstanceRow>(
      "SELECT * FROM saga_instances WHERE correlation_id = ? ORDER BY created_at DESC LIMIT 1",
    ),
    steps: sqlite.prepare<[string], StepRow>("SELECT * FROM saga_steps WHERE saga_id = ? ORDER BY idx"),
    history: sqlite.prepare<[string], HistoryRow>(
      "SELECT at, step, phase, outcome, attempt, duration_ms, error, message FROM saga_history WHERE saga_id = ? ORDER BY seq",
    ),
    addHistory: sqlite.prepare(
      "INSERT INTO saga_history (saga_id, at, step, phase, outcome, attempt, duration_ms, error, message) VALUES (@sagaId, @at, @step, @phase, @outcome, @attempt, @durationMs, @error, @message)",
    ),
    setStatus: sqlite.prepare(
      "UPDATE saga_instances SET status = ?, failure_reason = coalesce(?, failure_reason), wake_at = NULL, updated_at = ? WHERE saga_id = ?",
    ),
    setAttention: sqlite.prepare(
      "UPDATE saga_instances SET status = 'requires_attention', attention_phase = ?, attention_reason = ?, wake_at = NULL, updated_at = ? WHERE saga_id = ?",
    ),
    clearAttention: sqlite.prepare(
      "UPDATE saga_instances SET status = ?, attention_phase = NULL, attention_reason = NULL, wake_at = NULL, auto_retries = 0, updated_at = ? WHERE saga_id = ?",
    ),
    defer: sqlite.prepare(
      "UPDATE saga_instances SET wake_at = ?, auto_retries = auto_retries + 1, attention_reason = ?, updated_at = ? WHERE saga_id = ?",
    ),
    wake: sqlite.prepare(
      "UPDATE saga_instances SET wake_at = NULL, attention_reason = NULL, updated_at = ? WHERE saga_id = ? AND wake_at IS NOT NULL",
    ),
    advance: sqlite.prepare(
      "UPDATE saga_instances SET current_step = ?, data = ?, updated_at = ? WHERE saga_id = ?",
    ),
    requestCancel: sqlite.prepare(
      "UPDATE saga_instances SET cancel_reason = ?, updated_at = ? WHERE saga_id = ? AND cancel_reason IS NULL",
    ),
    stepStart: sqlite.prepare(
      "UPDATE saga_steps SET status = 'running', attempts = attempts + 1, started_at = coalesce(started_at, ?) WHERE saga_id = ? AND idx = ?",
    ),
    stepDone: sqlite.prepare(
      "UPDATE saga_steps SET status = 'done', finished_at = ?, last_error = NULL WHERE saga_id = ? AND idx = ?",
    ),
    stepFailed: sqlite.prepare(
      "UPDATE saga_steps SET status = 'failed', needs_compensation = ?, finished_at = ?, last_error = ? WHERE saga_id = ? AND idx = ?",
    ),
    stepError: sqlite.prepare("UPDATE saga_steps SET last_error = ? WHERE saga_id = ? AND idx = ?"),
    compStart: sqlite.prepare(
      "UPDATE saga_steps SET status = 'compensating', compensation_attempts = compensation_attempts + 1 WHERE saga_id = ? AND idx = ?",
    ),
    compDone: sqlite.prepare(
      "UPDATE saga_steps SET status = 'compensated', finished_at = ?, last_error = NULL WHERE saga_id = ? AND idx = ?",
    ),
    due: sqlite.prepare<[number], { saga_id: string }>(
      "SELECT saga_id FROM saga_instances WHERE status IN ('running', 'compensating') AND (wake_at IS NULL OR wake_at <= ?) ORDER BY created_at",
    ),
    attention: sqlite.prepare<[number], { saga_id: string }>(
      "SELECT saga_id FROM saga_instances WHERE status = 'requires_attention' ORDER BY created_at LIMIT ?",
    ),
    counts: sqlite.prepare<[], { running: number; compensating: number; waiting: number; attention: number }>(
      `SELECT
         coalesce(sum(status = 'running' AND wake_at IS NULL), 0) AS running,
         coalesce(sum(status = 'compensating' AND wake_at IS NULL), 0) AS compensating,
         coalesce(sum(status IN ('running', 'compensating') AND wake_at IS NOT NULL), 0) AS waiting,
         coalesce(sum(status = 'requires_attention'), 0) AS attention
       FROM saga_instances WHERE status IN ('running', 'compensating', 'requires_attention')`,
    ),
    list: sqlite.prepare<
      [
        {
          status: string | null;
          correlationId: string | null;
          before: string | null;
          after: string | null;
          createdAt: string | null;
          sagaId: string | null;
          limit: number;
        },
      ],
      InstanceRow
    >(
      // Timestamps are stored as toISOString() text, so comparing the same form compares instants.
      `SELECT * FROM saga_instances WHERE (@status IS NULL OR status = @status)
       AND (@correlationId IS NULL OR correlation_id = @correlationId)
       AND (@before IS NULL OR created_at < @before)
       AND (@after IS NULL OR created_at >= @after)
       AND (@createdAt IS NULL OR (created_at, saga_id) < (@createdAt, @sagaId)) ORDER BY created_at DESC, saga_id DESC LIMIT @limit`,
    ),
  };

  const record = (row: InstanceRow | undefined): SagaRecord | undefined =>
    row && {
      sagaId: row.saga_id,
      type: row.type,
      correlationId: row.correlation_id,
      status: row.status,
      data: JSON.parse(row.data) as Record<string, unknown>,
      currentStep: row.current_step,
      failureReason: row.failure_reason,
      cancelReason: row.cancel_reason,
      attentionPhase: row.attention_phase,
      wakeAt: row.wake_at,
      autoRetries: row.auto_retries,
      steps: s.steps.all(row.saga_id),
    };

  const stepView = (r: StepRow): SagaStepView => ({
    name: r.name,
    status: r.status,
    attempts: r.attempts,
    compensationAttempts: r.compensation_attempts,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs:
      r.started_at && r.finished_at
        ? Math.max(0, Date.parse(r.finished_at) - Date.parse(r.started_at))
        : null,
    lastError: r.last_error,
  });

  const summary = (row: InstanceRow): SagaSummary => {
    const steps = s.steps.all(row.saga_id);
    const current =
      steps.find((st) => st.status === "running" || st.status === "compensating") ?? steps[row.current_step];
    return {
      sagaId: row.saga_id,
      type: row.type,
      correlationId: row.correlation_id,
      status: row.status,
      currentStep:
        row.status === "completed" || row.status === "compensated" ? null : (current?.name ?? null),
      failureReason: shownReason(row),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      nextRetryAt: iso(row.wake_at),
      traceId: row.trace_id,
    };
  };

  return {
    create(input: {
      sagaId: string;
      type: string;
      correlationId: string;
      data: unknown;
      steps: readonly string[];
      traceId?: string | undefined;
    }): void {
      const at = now();
      s.insertInstance.run(
        input.sagaId,
        input.type,
        input.correlationId,
        JSON.stringify(input.data),
        input.traceId ?? null,
        at,
        at,
      );
      input.steps.forEach((name, idx) => {
        s.insertStep.run(input.sagaId, idx, name);
      });
    },
    load: (sagaId: string) => record(s.instance.get(sagaId)),
    summary(sagaId: string): SagaSummary | undefined {
      const row = s.instance.get(sagaId);
      return row ? summary(row) : undefined;
    },
    history(
      entry: { sagaId: string } & Partial<SagaHistoryEntry> & Pick<SagaHistoryEntry, "phase" | "outcome">,
    ): void {
      s.addHistory.run({
        sagaId: entry.sagaId,
        at: now(),
        step: entry.step ?? null,
        phase: entry.phase,
        outcome: entry.outcome,
        attempt: entry.attempt ?? null,
        durationMs: entry.durationMs ?? null,
        error: entry.error ?? null,
        message: entry.message ?? null,
      });
    },
    setStatus: (sagaId: string, status: SagaStatus, failureReason: string | null = null) =>
      s.setStatus.run(status, failureReason, now(), sagaId),
    /** Parks the saga for an operator; its failure reason (what the customer is told) stays as it was. */
    setAttention: (sagaId: string, phase: "execute" | "compensate", reason: string) =>
      s.setAttention.run(phase, reason, now(), sagaId),
    /** An operator's retry: the saga runs again in `status`, the phase it was parked in. */
    clearAttention: (sagaId: string, status: "running" | "compensating") =>
      s.clearAttention.run(status, now(), sagaId),
    /** The saga waits until `wakeAt` (epoch ms) for its next automatic retry round, and says why. */
    defer: (sagaId: string, wakeAt: number, reason: string) => s.defer.run(wakeAt, reason, now(), sagaId),
    /** Its wait is over (the sweep, or an operator, woke it). */
    wake: (sagaId: string) => s.wake.run(now(), sagaId).changes === 1,
    advance: (sagaId: string, nextStep: number, data: unknown) =>
      s.advance.run(nextStep, JSON.stringify(data), now(), sagaId),
    requestCancel: (sagaId: string, reason: string) =>
      s.requestCancel.run(reason, now(), sagaId).changes === 1,
    stepStart: (sagaId: string, idx: number) => s.stepStart.run(now(), sagaId, idx),
    stepDone: (sagaId: string, idx: number) => s.stepDone.run(now(), sagaId, idx),
    stepFailed: (sagaId: string, idx: number, uncertain: boolean, error: string) =>
      s.stepFailed.run(uncertain ? 1 : 0, now(), error, sagaId, idx),
    stepError: (sagaId: string, idx: number, error: string) => s.stepError.run(error, sagaId, idx),
    compensationStart: (sagaId: string, idx: number) => s.compStart.run(sagaId, idx),
    compensationDone: (sagaId: string, idx: number) => s.compDone.run(now(), sagaId, idx),
    /** Unfinished sagas that should be running now: not waiting for a later automatic retry. */
    due: (at: number = Date.now()): string[] => s.due.all(at).map((r) => r.saga_id),
    requiringAttention: (limit: number): string[] => s.attention.all(limit).map((r) => r.saga_id),
    counts: () => s.counts.get() ?? { running: 0, compensating: 0, waiting: 0, attention: 0 },
    view(sagaId: string | undefined, correlationId?: string): SagaView | undefined {
      const row = sagaId
        ? s.instance.get(sagaId)
        : correlationId
          ? s.byCorrelation.get(correlationId)
          : undefined;
      if (!row) return undefined;
      return {
        sagaId: row.saga_id,
        type: row.type,
        correlationId: row.correlation_id,
        status: row.status,
        failureReason: shownReason(row),
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        nextRetryAt: iso(row.wake_at),
        traceId: row.trace_id,
        steps: s.steps.all(row.saga_id).map(stepView),
        history: s.history.all(row.saga_id).map((h) => ({
          at: h.at,
          step: h.step,
          phase: h.phase,
          outcome: h.outcome,
          attempt: h.attempt,
          durationMs: h.duration_ms,
          error: h.error,
          message: h.message,
        })),
      };
    },
    list(options: SagaListOptions): {
      items: SagaSummary[];
      nextCursor: string | null;
    } {
      const [createdAt, sagaId] = options.cursor
        ? (decodeCursor(options.cursor, 2) as [string, string])
        : [null, null];
      const rows = s.list.all({
        status: options.status ?? null,
        correlationId: options.correlationId ?? null,
        before: options.createdBefore?.toISOString() ?? null,
        after: options.createdAfter?.toISOString() ?? null,
        createdAt,
        sagaId,
        limit: keysetLimit(options.limit),
      });
      return keysetPage({
        rows: rows.map(summary),
        limit: options.limit,
        key: (saga) => [saga.createdAt, saga.sagaId],
        toItem: (saga) => saga,
      });
    },
  };
}

export type SagaStore = ReturnType<typeof createSagaStore>;
