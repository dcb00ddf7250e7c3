import { AppError, isTransient, type Logger } from "@bazaar/service-kit";
import type { SagaRecord, SagaStore } from "./saga-store.js";
import type { AttentionNeeded, SagaDefinition, SagaRetryPolicy, SagaSnapshot, StepContext } from "./types.js";

/** What the step loops need from the engine (its store, transaction, policy and lifecycle). */
export interface StepRunner<TData, TTx, TOutbox> {
  readonly store: SagaStore;
  readonly transaction: <T>(fn: (tx: TTx, outbox: TOutbox) => T) => T;
  readonly definition: SagaDefinition<TData, TTx, TOutbox>;
  readonly retry: SagaRetryPolicy;
  readonly log: Logger;
  stopping(): boolean;
  sleep(ms: number): Promise<void>;
  context(
    saga: SagaRecord,
    step: string,
    attempt: number,
    phase?: "execute" | "compensate",
  ): StepContext<TData>;
  beginCompensation(saga: SagaRecord, reason: string): void;
  finish(saga: SagaRecord, status: "completed" | "compensated"): void;
  snapshot(sagaId: string): SagaSnapshot<TData>;
}

/** A failure as the timeline shows it: the code and reason of a typed error, else its message. */
export const message = (err: unknown): string =>
  err instanceof AppError
    ? `${err.code}${err.reason ? `/${err.reason}` : ""}: ${err.message}`
    : err instanceof Error
      ? err.message
      : String(err);

/**
 * `executeStep` runs the saga's current step: state recorded before each attempt, transient failures retried
 * with backoff within the step budget, then done (and the saga moves on) or failed (and it compensates).
 */
export async function executeStep<TData extends object, TTx, TOutbox>(
  d: StepRunner<TData, TTx, TOutbox>,
  saga: SagaRecord,
): Promise<void> {
  const idx = saga.currentStep;
  const step = d.definition.steps[idx];
  if (!step) return;
  const started = Date.now();
  const pivot = d.definition.pivot ? d.definition.steps.findIndex((s) => s.name === d.definition.pivot) : -1;
  const pastPivot = pivot >= 0 && idx >= pivot;
  for (let attempt = 1; ; attempt++) {
    if (d.stopping()) return;
    // Recorded before the call: a crash from here on repeats this step (with the same idempotency key).
    d.transaction(() => {
      d.store.stepStart(saga.sagaId, idx);
      d.store.history({
        sagaId: saga.sagaId,
        step: step.name,
        phase: "execute",
        outcome: "started",
        attempt,
      });
    });
    const t0 = performance.now();
    try {
      const result = await step.execute(d.context(saga, step.name, attempt));
      const data = { ...saga.data, ...(result ?? {}) };
      d.transaction(() => {
        d.store.stepDone(saga.sagaId, idx);
        d.store.advance(saga.sagaId, idx + 1, data);
        d.store.history({
          sagaId: saga.sagaId,
          step: step.name,
          phase: "execute",
          outcome: "succeeded",
          attempt,
          durationMs: performance.now() - t0,
        });
      });
      return;
    } catch (err) {
      const error = message(err);
      const durationMs = performance.now() - t0;
      const elapsed = Date.now() - started;
      const delay = Math.min(d.retry.maxDelayMs, d.retry.baseDelayMs * 2 ** (attempt - 1));
      // A cancel stops retrying before the pivot; past it there is no going back, so only the budget counts.
      const cancelled = !pastPivot && Boolean(d.store.load(saga.sagaId)?.cancelReason);
      if (isTransient(err) && !cancelled && elapsed + delay < d.retry.stepBudgetMs) {
        d.transaction(() => {
          d.store.stepError(saga.sagaId, idx, error);
          d.store.history({
            sagaId: saga.sagaId,
            step: step.name,
            phase: "execute",
            outcome: "retrying",
            attempt,
            durationMs,
            error,
          });
        });
        await d.sleep(delay);
        continue;
      }
      // Past the pivot a step that fails for good, or stays unavailable past its budget, cannot be undone:
      // an operator fixes the cause and retries it forward.
      if (pastPivot) {
        needsOperator(
          d,
          saga,
          { step: step.name, phase: "execute", attempts: attempt, error },
          `${step.name} failed after the point of no return: ${error}`,
        );
        return;
      }
      // Only a typed refusal (a 4xx code) says the step did nothing. A timeout that outlived its budget, an
      // INTERNAL error or a reply that broke its contract may hide an effect, so the step is compensated too.
      const uncertain = !(err instanceof AppError && err.status < 500);
      d.transaction(() => {
        d.store.stepFailed(saga.sagaId, idx, uncertain, error);
        d.store.history({
          sagaId: saga.sagaId,
          step: step.name,
          phase: "execute",
          outcome: uncertain ? "gave_up" : "failed",
          attempt,
          durationMs,
          error,
        });
      });
      d.log.info({ sagaId: saga.sagaId, step: step.name, error }, "saga step failed; compensating");
      const fresh = d.store.load(saga.sagaId);
      if (fresh)
        d.beginCompensation(
          fresh,
          fresh.cancelReason ? `cancelled: ${fresh.cancelReason}` : `${step.name} failed: ${error}`,
        );
      return;
    }
  }
}

/** Compensates the latest step that needs it; returns "attention" when it could not. */
export async function compensateNext<TData extends object, TTx, TOutbox>(
  d: StepRunner<TData, TTx, TOutbox>,
  saga: SagaRecord,
): Promise<"next" | "attention"> {
  const target = [...saga.steps]
    .reverse()
    .find(
      (s) =>
        s.status === "done" ||
        s.status === "compensating" ||
        s.status === "running" ||
        (s.status === "failed" && s.needs_compensation === 1),
    );
  if (!target) {
    d.finish(saga, "compensated");
    return "next";
  }
  const step = d.definition.steps[target.idx];
  if (!step?.compensate) {
    d.transaction(() => d.store.compensationDone(saga.sagaId, target.idx));
    return "next";
  }
  let lastError = "";
  let attempt = 0;
  const started = Date.now();
  for (;;) {
    attempt++;
    if (d.stopping()) return "next";
    d.transaction(() => {
      d.store.compensationStart(saga.sagaId, target.idx);
      d.store.history({
        sagaId: saga.sagaId,
        step: step.name,
        phase: "compensate",
        outcome: "started",
        attempt,
      });
    });
    const t0 = performance.now();
    try {
      await step.compensate(d.context(saga, step.name, attempt, "compensate"));
      d.transaction(() => {
        d.store.compensationDone(saga.sagaId, target.idx);
        d.store.history({
          sagaId: saga.sagaId,
          step: step.name,
          phase: "compensate",
          outcome: "succeeded",
          attempt,
          durationMs: performance.now() - t0,
        });
      });
      return "next";
    } catch (err) {
      lastError = message(err);
      d.transaction(() => {
        d.store.stepError(saga.sagaId, target.idx, lastError);
        d.store.history({
          sagaId: saga.sagaId,
          step: step.name,
          phase: "compensate",
          outcome: "failed",
          attempt,
          durationMs: performance.now() - t0,
          error: lastError,
        });
      });
      if (attempt >= d.retry.compensationAttempts && Date.now() - started >= d.retry.compensationBudgetMs)
        break;
      await d.sleep(Math.min(d.retry.maxDelayMs, d.retry.baseDelayMs * 2 ** (attempt - 1)));
    }
  }
  needsOperator(
    d,
    saga,
    { step: step.name, phase: "compensate", attempts: attempt, error: lastError },
    `compensation of ${step.name} failed ${attempt} times: ${lastError}`,
  );
  return "attention";
}

/** `needsOperator` parks the saga in `requires_attention` and lets the owner raise the alarm, in one transaction. */
export function needsOperator<TData extends object, TTx, TOutbox>(
  d: StepRunner<TData, TTx, TOutbox>,
  saga: SagaRecord,
  failure: AttentionNeeded,
  reason: string,
): void {
  d.transaction((tx, outbox) => {
    d.store.setAttention(saga.sagaId, failure.phase, reason);
    d.store.history({
      sagaId: saga.sagaId,
      step: failure.step,
      phase: "saga",
      outcome: "gave_up",
      attempt: failure.attempts,
      error: failure.error,
      message: "requires attention",
    });
    d.definition.hooks?.onRequiresAttention?.(tx, outbox, d.snapshot(saga.sagaId), failure);
  });
  d.log.error(
    { sagaId: saga.sagaId, step: failure.step, phase: failure.phase, error: failure.error },
    "saga requires attention",
  );
}
