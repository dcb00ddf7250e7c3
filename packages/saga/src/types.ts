import type { Logger } from "@bazaar/service-kit/platform";

export type SagaStatus = "running" | "compensating" | "completed" | "compensated" | "requires_attention";
export type StepStatus = "pending" | "running" | "done" | "failed" | "compensating" | "compensated";

/** What a step's `execute` and `compensate` receive. */
export interface StepContext<TData> {
  readonly sagaId: string;
  readonly correlationId: string;
  readonly data: Readonly<TData>;
  /**
   * `<sagaId>:<step>`: send it with every call the step makes. Request-reply is at-most-once and a
   * timed-out call may have run, so a step can repeat; the key makes its effect happen once.
   */
  readonly idempotencyKey: string;
  readonly attempt: number;
  readonly log: Logger;
  readonly signal: AbortSignal;
}

/** One step: its action and the action that undoes it. */
export interface SagaStep<TData> {
  readonly name: string;
  /** Returns data to merge into the saga's data (persisted), e.g. a payment id. */
  // biome-ignore lint/suspicious/noConfusingVoidType: a step that returns nothing is the common case
  execute(ctx: StepContext<TData>): Promise<Partial<TData> | undefined | void>;
  /** Undoes `execute`. Must be idempotent and safe when `execute` never took effect. */
  compensate?(ctx: StepContext<TData>): Promise<void>;
}

export interface SagaSnapshot<TData> {
  readonly sagaId: string;
  readonly type: string;
  readonly correlationId: string;
  readonly status: SagaStatus;
  readonly data: TData;
  readonly failureReason: string | null;
}

export interface AttentionNeeded {
  readonly step: string;
  /** `compensate`: an undo kept failing; `execute`: a step after the pivot failed and cannot be undone. */
  readonly phase: "execute" | "compensate";
  readonly attempts: number;
  readonly error: string;
}

/**
 * Hooks run inside the transaction that records the saga's end, so the owner's state (the order's status)
 * and its events change together with the saga's.
 */
export interface SagaHooks<TData, TTx, TOutbox> {
  onCompleted?(tx: TTx, outbox: TOutbox, saga: SagaSnapshot<TData>): void;
  onCompensated?(tx: TTx, outbox: TOutbox, saga: SagaSnapshot<TData>, reason: string): void;
  onRequiresAttention?(tx: TTx, outbox: TOutbox, saga: SagaSnapshot<TData>, failure: AttentionNeeded): void;
  /**
   * The saga's loop threw (a storage error, a hook that throws) this many times in a row; the sweep keeps
   * resuming it, and the owner raises the alarm. Runs in its own transaction, once per streak.
   */
  onStuck?(tx: TTx, outbox: TOutbox, saga: SagaSnapshot<TData>, stuck: StuckSaga): void;
}

export interface StuckSaga {
  readonly crashes: number;
  readonly error: string;
}

export interface SagaDefinition<TData, TTx = unknown, TOutbox = unknown> {
  readonly type: string;
  readonly steps: ReadonlyArray<SagaStep<TData>>;
  /**
   * The pivot: once this step has started, the saga can no longer be cancelled (e.g. the order shipped).
   * Default: cancellable until it completes.
   */
  readonly pivot?: string;
  readonly hooks?: SagaHooks<TData, TTx, TOutbox>;
}

/** One line of a saga's timeline. */
export interface SagaHistoryEntry {
  readonly at: string;
  readonly step: string | null;
  readonly phase: "saga" | "execute" | "compensate";
  readonly outcome: "started" | "succeeded" | "failed" | "retrying" | "gave_up" | "info";
  readonly attempt: number | null;
  readonly durationMs: number | null;
  readonly error: string | null;
  readonly message: string | null;
}

export interface SagaStepView {
  readonly name: string;
  readonly status: StepStatus;
  readonly attempts: number;
  readonly compensationAttempts: number;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /**
   * Wall-clock time from the step's first start to its last finish (retries and waits included; for a
   * compensated step, up to the end of its compensation), or null while it has not finished.
   */
  readonly durationMs: number | null;
  readonly lastError: string | null;
}

/** Which sagas a listing shows: every field narrows it. */
export interface SagaListOptions {
  readonly status?: SagaStatus | undefined;
  /** Exactly this correlation id (the order saga's order id). */
  readonly correlationId?: string | undefined;
  /** Created before this instant. */
  readonly createdBefore?: Date | undefined;
  /** Created at or after this instant. */
  readonly createdAfter?: Date | undefined;
  readonly limit: number;
  readonly cursor?: string | undefined;
}

export interface SagaView {
  readonly sagaId: string;
  readonly type: string;
  readonly correlationId: string;
  readonly status: SagaStatus;
  readonly failureReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Set while the saga waits for its next automatic retry (a parked compensation, say). */
  readonly nextRetryAt: string | null;
  /** The trace it started in, when there was one. */
  readonly traceId: string | null;
  readonly steps: SagaStepView[];
  readonly history: SagaHistoryEntry[];
}

export interface SagaSummary {
  readonly sagaId: string;
  readonly type: string;
  readonly correlationId: string;
  readonly status: SagaStatus;
  readonly currentStep: string | null;
  readonly failureReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly nextRetryAt: string | null;
  readonly traceId: string | null;
}

/** Retry policy of the engine. */
export interface SagaRetryPolicy {
  /** First retry delay of a transient failure; doubles each time. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Total time a step may keep retrying transient failures before it counts as failed. */
  readonly stepBudgetMs: number;
  /** Attempts of a compensation before the saga needs an operator... */
  readonly compensationAttempts: number;
  /** ...and for at least this long, so a service that is merely restarting does not page anyone. */
  readonly compensationBudgetMs: number;
  /**
   * Rounds of automatic retry, with a long backoff, of a saga that would otherwise park for an operator
   * (a compensation that kept failing, a step past the pivot that stayed unavailable). Only after the last
   * round does it require attention. 0 parks at once.
   */
  readonly autoRetries: number;
  /** Wait before the first automatic round; doubles per round up to the max. */
  readonly autoRetryBaseMs: number;
  readonly autoRetryMaxMs: number;
}
