import { ConflictError, NotFoundError, retryDelay } from "@bazaar/service-kit/platform";
import type { StepRunner } from "./saga-steps.js";
import type { SagaRecord, SagaStore } from "./saga-store.js";
import type { AttentionNeeded } from "./types.js";

/**
 * `park` stops a saga that cannot go on now. A failure that may pass (a service down for longer than the
 * step or compensation budget) first waits and retries by itself, with a long backoff, for the policy's
 * rounds; only then, or at once for a failure that will not pass, does the saga need an operator.
 */
export function park<TData extends object, TTx, TOutbox>(
  d: StepRunner<TData, TTx, TOutbox>,
  saga: SagaRecord,
  failure: AttentionNeeded,
  reason: string,
  retryable: boolean,
): void {
  const round = (d.store.load(saga.sagaId) ?? saga).autoRetries;
  if (!retryable || round >= d.retry.autoRetries) {
    needsOperator(d, saga, failure, reason);
    return;
  }
  const wakeAt = Date.now() + retryDelay(round + 1, d.retry.autoRetryBaseMs, d.retry.autoRetryMaxMs);
  const waiting = `${reason}; retrying by itself at ${new Date(wakeAt).toISOString()} (round ${round + 1} of ${d.retry.autoRetries})`;
  d.transaction(() => {
    d.store.defer(saga.sagaId, wakeAt, waiting);
    d.store.history({
      sagaId: saga.sagaId,
      step: failure.step,
      phase: "saga",
      outcome: "info",
      attempt: failure.attempts,
      error: failure.error,
      message: waiting,
    });
  });
  d.log.warn(
    { sagaId: saga.sagaId, step: failure.step, phase: failure.phase, error: failure.error, wakeAt },
    "saga waits to retry by itself",
  );
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

/**
 * `unpark` is an operator's retry, inside the caller's transaction: a saga that requires attention runs
 * again in the phase it stopped in, and one that waits to retry by itself stops waiting.
 */
export function unpark(store: SagaStore, sagaId: string): void {
  const saga = store.load(sagaId);
  if (!saga) throw new NotFoundError(`saga ${sagaId} not found`);
  if (saga.status !== "requires_attention") {
    if (saga.wakeAt !== null && store.wake(sagaId)) {
      store.history({ sagaId, phase: "saga", outcome: "info", message: "woken by an operator" });
      return;
    }
    throw new ConflictError(
      `saga ${sagaId} is ${saga.status}; only a saga that requires attention or waits to retry can be retried`,
      { reason: "NOT_RETRYABLE" },
    );
  }
  // Parked while undoing: the remaining compensations run. Parked past the pivot: the failed step runs
  // again, forward (the saga cannot be undone there). Sagas parked before this column existed compensate.
  const resume = saga.attentionPhase === "execute" ? "running" : "compensating";
  store.clearAttention(sagaId, resume);
  store.history({
    sagaId,
    phase: "saga",
    outcome: "info",
    message: `retried by an operator: ${resume === "running" ? "running the failed step again" : "compensating"}`,
  });
}
