import type { HistoryEntry } from "../history/history-entry.js";
import { type CheckOptions, checkContext, type SystemInvariant } from "./check-context.js";
import type { FinalState } from "./final-state.js";
import { consumersCaughtUp, eventsExactlyOnce, outboxesDrained } from "./invariants/events.js";
import { acknowledgedOrdersSettle, commandsAnswered, onePerIntent } from "./invariants/orders-accounted.js";
import { cancelledChargesRefunded, outcomesAsIntended } from "./invariants/outcomes.js";
import { healthyEventsApplied, poisonDeadLettered } from "./invariants/poison.js";
import { readModelEqualsWriteSide } from "./invariants/read-model.js";
import { stockConserved } from "./invariants/stock.js";
import { serviceInvariantsHold, servicesStayUp, stateCollected, storesIntact } from "./invariants/stores.js";
import { type RunMetrics, runMetrics } from "./metrics.js";
import type { Violation } from "./violation.js";

/** The system's promises, checked from outside, in the order the report lists them. */
export const SYSTEM_INVARIANTS: readonly SystemInvariant[] = [
  commandsAnswered,
  acknowledgedOrdersSettle,
  onePerIntent,
  outcomesAsIntended,
  cancelledChargesRefunded,
  stockConserved,
  readModelEqualsWriteSide,
  eventsExactlyOnce,
  outboxesDrained,
  consumersCaughtUp,
  poisonDeadLettered,
  healthyEventsApplied,
  storesIntact,
  servicesStayUp,
  stateCollected,
  serviceInvariantsHold,
];

export interface CheckResult {
  readonly metrics: RunMetrics;
  readonly violations: readonly Violation[];
}

/**
 * `checkRun` judges one scenario: every invariant over the history and the final state. Pure: the
 * history and the state are data, so the checker's own tests hand it small made-up runs.
 */
export function checkRun(
  history: readonly HistoryEntry[],
  final: FinalState,
  options: CheckOptions,
  invariants: readonly SystemInvariant[] = SYSTEM_INVARIANTS,
): CheckResult {
  const context = checkContext(history, final, options);
  const violations = invariants.flatMap((inv) => inv.check(context));
  return { metrics: runMetrics(context, violations), violations };
}
