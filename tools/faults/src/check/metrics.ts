import type { ReportColumn } from "../invariants/service-invariant.js";
import type { CheckContext } from "./check-context.js";
import type { Violation } from "./violation.js";

/** One scenario's row of the report. */
export interface RunMetrics {
  /** Orders the client meant to place. */
  readonly attempted: number;
  /** Of those, acknowledged with 202 and an order id. */
  readonly acknowledged: number;
  /** Never answered within the scenario's bound (the client gave up). */
  readonly unanswered: number;
  readonly confirmed: number;
  readonly cancelled: number;
  /** Waiting for an operator (`requires_attention`). */
  readonly parked: number;
  /** Acknowledged but missing, or not final at the end. */
  readonly lost: number;
  readonly doubleCharges: number;
  readonly stockMismatches: number;
  readonly readModelMismatches: number;
  /**
   * The longest, over the faults healed, from a heal to the first good order placed after it that was
   * confirmed; null when no good order was placed after a heal.
   */
  readonly timeToRecoverMs: number | null;
  readonly violations: number;
}

function distinct(violations: readonly Violation[], column: ReportColumn | "lost"): number {
  return new Set(violations.filter((v) => v.counts === column).map((v) => v.subject)).size;
}

/** `timeToRecover` measures each heal to the confirmation of the first good order started after it. */
export function timeToRecover({ records }: Pick<CheckContext, "records">): number | null {
  let worst: number | null = null;
  for (const heal of records.heals) {
    let first: number | undefined;
    for (const intent of records.intents) {
      if (intent.kind !== "good" || intent.startedAt < heal) continue;
      if (intent.terminalStatus !== "confirmed" || intent.terminalAt === undefined) continue;
      if (first === undefined || intent.terminalAt < first) first = intent.terminalAt;
    }
    if (first === undefined) continue;
    worst = Math.max(worst ?? 0, first - heal);
  }
  return worst;
}

/** `runMetrics` counts a scenario's row from the context and what the invariants found. */
export function runMetrics(context: CheckContext, violations: readonly Violation[]): RunMetrics {
  const { records, orders } = context;
  const acknowledged = records.intents.filter((i) => i.orderIds.size > 0);
  const statuses = acknowledged.map((i) => orders.get([...i.orderIds][0] as string)?.status);
  return {
    attempted: records.intents.length,
    acknowledged: acknowledged.length,
    unanswered: records.intents.filter((i) => i.gaveUp).length,
    confirmed: statuses.filter((s) => s === "confirmed").length,
    cancelled: statuses.filter((s) => s === "cancelled").length,
    parked: statuses.filter((s) => s === "requires_attention").length,
    lost: distinct(violations, "lost"),
    doubleCharges: distinct(violations, "doubleCharges"),
    stockMismatches: distinct(violations, "stockMismatches"),
    readModelMismatches: distinct(violations, "readModelMismatches"),
    timeToRecoverMs: timeToRecover(context),
    violations: violations.length,
  };
}
