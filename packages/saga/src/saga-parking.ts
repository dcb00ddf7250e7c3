import { retryDelay } from "@bazaar/service-kit";
import type { StepRunner } from "./saga-steps.js";
import type { SagaRecord } from "./saga-store.js";
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
