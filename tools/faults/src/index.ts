// The fault suite's surface: the contract services implement in `src/invariants.ts`, and the checker.

export type { CheckResult } from "./check/check-run.js";
export { checkRun, SYSTEM_INVARIANTS } from "./check/check-run.js";
export type { FinalState } from "./check/final-state.js";
export type { RunMetrics } from "./check/metrics.js";
export type { Violation } from "./check/violation.js";
export type { HistoryEntry, OrderKind } from "./history/history-entry.js";
export { readHistory } from "./history/read-history.js";
export { parseServiceInvariants } from "./invariants/parse-service-invariants.js";
export { runServiceInvariants } from "./invariants/run-service-invariants.js";
export type {
  InvariantFacts,
  InvariantInput,
  InvariantViolation,
  OrderFact,
  ReadOnlyQuery,
  ReportColumn,
  ServiceInvariant,
  ServiceInvariantsModule,
  SqlRow,
  SqlValue,
} from "./invariants/service-invariant.js";
