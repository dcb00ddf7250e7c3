import {
  AppError,
  isBrokerDown,
  isTransient,
  type Logger,
  retryDelay,
  type Telemetry,
} from "@bazaar/service-kit/platform";
import { park } from "./saga-parking.js";
import type { SagaRecord, SagaStore } from "./saga-store.js";
import { traced } from "./saga-tracing.js";
import type { SagaDefinition, SagaRetryPolicy, SagaSnapshot, StepContext } from "./types.js";

/** What the step loops need from the engine (its store, transaction, policy and lifecycle). */
export interface StepRunner<TData, TTx, TOutbox> {
  readonly store: SagaStore;
  readonly transaction: <T>(fn: (tx: TTx, outbox: TOutbox) => T) => T;
  readonly definition: SagaDefinition<TData, TTx, TOutbox>;
  readonly retry: SagaRetryPolicy;
  readonly log: Logger;
  readonly telemetry: Telemetry;
  stopping(): boolean;
  sleep(ms: number): Promise<void>;
  context(
    saga: SagaRecord,
    step: string,
    attempt: number,
    phase?: "execute" | "compensate",
  ): StepContext<TData>;
  /** Writes the switch to compensation inside the caller's transaction. */
  beginCompensation(saga: SagaRecord, reason: string): void;
  finish(saga: SagaRecord, status: "completed" | "compensated"): void;
  /** Writes the saga's end inside the caller's transaction (the commit that records its last step). */
  finishWithin(tx: TTx, outbox: TOutbox, sagaId: string, status: "completed"): void;
  snapshot(sagaId: string): SagaSnapshot<TData>;
  /** Marks that a step's first attempt was recorded in an earlier commit (see `chainNext`). */
  markStarted(sagaId: string, idx: number): void;
  /** True once when the step's first attempt is already recorded, so its start needs no commit of its own. */
  takeStarted(sagaId: string, idx: number): boolean;
}

const attrs = (saga: SagaRecord, step: string, phase: string, attempt: number) => ({
  "bazaar.saga.id": saga.sagaId,
  "bazaar.saga.step": step,
  "bazaar.saga.phase": phase,
  "bazaar.saga.attempt": attempt,
});

/** A failure as the timeline shows it: the code and reason of a typed error, else its message. */
export const message = (err: unknown): string => {
  const text =
    err instanceof AppError
      ? `${err.code}${err.reason ? `/${err.reason}` : ""}: ${err.message}`
      : err instanceof Error
        ? err.message || `${err.name} with no message`
        : String(err);
  // A parked saga always says why: never an empty reason.
  return text.trim() === "" ? "unknown error" : text;
};

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
  // When the step's budget started; moved forward by time spent while the broker connection was down.
  let budgetStart = Date.now();
  const pivot = d.definition.pivot ? d.definition.steps.findIndex((s) => s.name === d.definition.pivot) : -1;
  const pastPivot = pivot >= 0 && idx >= pivot;
  for (let attempt = 1; ; attempt++) {
    if (d.stopping()) return;
    // Recorded before the call: a crash from here on repeats this step (with the same idempotency key). The
    // first attempt is usually recorded already, by the commit that ended the previous step.
    if (!(attempt === 1 && d.takeStarted(saga.sagaId, idx)))
      d.transaction(() => recordStart(d.store, saga.sagaId, idx, step.name, attempt));
    const t0 = performance.now();
    const attemptStart = Date.now();
    let result: Partial<TData> | undefined;
    try {
      result =
        (await traced(
          d.telemetry,
          {
            name: `${d.definition.type} ${step.name}`,
            attributes: attrs(saga, step.name, "execute", attempt),
          },
          () => step.execute(d.context(saga, step.name, attempt)),
        )) ?? undefined;
    } catch (err) {
      const error = message(err);
      const durationMs = performance.now() - t0;
      // A call that failed because this process's broker connection is down says nothing about the callee:
      // the budget waits out the outage, so an outage of any length fails no step.
      if (isBrokerDown(err)) budgetStart += Date.now() - attemptStart;
      const elapsed = Date.now() - budgetStart;
      const delay = retryDelay(attempt, d.retry.baseDelayMs, d.retry.maxDelayMs);
      // A cancel stops retrying before the pivot; past it there is no going back, so only the budget counts.
      const cancelled = !pastPivot && Boolean(d.store.load(saga.sagaId)?.cancelReason);
      if (isTransient(err) && !cancelled && (isBrokerDown(err) || elapsed + delay < d.retry.stepBudgetMs)) {
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
        const slept = Date.now();
        await d.sleep(delay);
        if (isBrokerDown(err)) budgetStart += Date.now() - slept;
        continue;
      }
      // Past the pivot a step that fails for good, or stays unavailable past its budget, cannot be undone:
      // it retries by itself for a while (transient failures), then an operator fixes the cause and retries.
      if (pastPivot) {
        park(
          d,
          saga,
          { step: step.name, phase: "execute", attempts: attempt, error },
          `${step.name} failed after the point of no return: ${error}`,
          isTransient(err),
        );
        return;
      }
      // Only a typed refusal (a 4xx code) says the step did nothing. A timeout that outlived its budget, an
      // INTERNAL error or a reply that broke its contract may hide an effect, so the step is compensated too.
      const uncertain = !(err instanceof AppError && err.status < 500);
      d.log.info({ sagaId: saga.sagaId, step: step.name, error }, "saga step failed; compensating");
      // The failure and the start of compensation commit together: a crash cannot leave a failed step in a
      // saga that still runs forward.
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
        const fresh = d.store.load(saga.sagaId) ?? saga;
        d.beginCompensation(
          fresh,
          fresh.cancelReason ? `cancelled: ${fresh.cancelReason}` : `${step.name} failed: ${error}`,
        );
      });
      return;
    }
    // Outside the call's try: a commit that fails here (a full disk, say) is not the step's failure. The run
    // throws, and the sweep repeats the step with the same idempotency key.
    const data = { ...saga.data, ...(result ?? {}) };
    const next = d.transaction((tx, outbox) => {
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
      return chainNext(d, tx, outbox, saga.sagaId, idx + 1);
    });
    if (next === "started") d.markStarted(saga.sagaId, idx + 1);
    return;
  }
}

/** Records the start of an attempt of a step: its status, its attempt count and its timeline entry. */
export function recordStart(
  store: SagaStore,
  sagaId: string,
  idx: number,
  step: string,
  attempt: number,
): void {
  store.stepStart(sagaId, idx);
  store.history({ sagaId, step, phase: "execute", outcome: "started", attempt });
}

/**
 * `chainNext` writes what follows a step's success in the same commit, one commit (and fsync) less per step:
 * the start of the next step's first attempt, or the saga's end after its last step. A cancel requested
 * while the step ran is left to the engine's loop, which compensates; a stopping engine records nothing.
 */
function chainNext<TData extends object, TTx, TOutbox>(
  d: StepRunner<TData, TTx, TOutbox>,
  tx: TTx,
  outbox: TOutbox,
  sagaId: string,
  next: number,
): "started" | "finished" | "none" {
  if (d.stopping() || d.store.load(sagaId)?.cancelReason) return "none";
  const step = d.definition.steps[next];
  if (!step) {
    d.finishWithin(tx, outbox, sagaId, "completed");
    return "finished";
  }
  recordStart(d.store, sagaId, next, step.name, 1);
  return "started";
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
  const compensate = step?.compensate;
  if (!step || !compensate) {
    d.transaction(() => d.store.compensationDone(saga.sagaId, target.idx));
    return "next";
  }
  let lastError = "";
  let attempt = 0;
  let budgetStart = Date.now();
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
    const attemptStart = Date.now();
    try {
      await traced(
        d.telemetry,
        {
          name: `${d.definition.type} ${step.name} compensate`,
          attributes: attrs(saga, step.name, "compensate", attempt),
        },
        () => compensate(d.context(saga, step.name, attempt, "compensate")),
      );
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
      const brokerDown = isBrokerDown(err);
      d.transaction(() => {
        d.store.stepError(saga.sagaId, target.idx, lastError);
        d.store.history({
          sagaId: saga.sagaId,
          step: step.name,
          phase: "compensate",
          outcome: brokerDown ? "retrying" : "failed",
          attempt,
          durationMs: performance.now() - t0,
          error: lastError,
        });
      });
      // Like a step, a compensation spends neither attempts nor budget while the broker connection is down.
      if (brokerDown) {
        attempt--;
        budgetStart += Date.now() - attemptStart;
      } else if (
        attempt >= d.retry.compensationAttempts &&
        Date.now() - budgetStart >= d.retry.compensationBudgetMs
      )
        break;
      const slept = Date.now();
      await d.sleep(retryDelay(Math.max(1, attempt), d.retry.baseDelayMs, d.retry.maxDelayMs));
      if (brokerDown) budgetStart += Date.now() - slept;
    }
  }
  park(
    d,
    saga,
    { step: step.name, phase: "compensate", attempts: attempt, error: lastError },
    `compensation of ${step.name} failed ${attempt} times: ${lastError}`,
    true,
  );
  return "attention";
}
