import type { HistoryEntry } from "../history/history-entry.js";
import type { OrderFact } from "../invariants/service-invariant.js";
import type { FinalState } from "./final-state.js";
import { type OrderRecords, orderRecords } from "./order-records.js";
import type { Violation } from "./violation.js";

export interface CheckOptions {
  /** How long an acknowledged order may take to reach a final status, counted from its acknowledgement or the last heal, whichever is later. */
  readonly terminalBoundMs: number;
}

/** What every invariant reads: the history folded per order, the final state, indexed. */
export interface CheckContext {
  readonly history: readonly HistoryEntry[];
  readonly records: OrderRecords;
  readonly final: FinalState;
  readonly orders: ReadonlyMap<string, OrderFact>;
  readonly options: CheckOptions;
}

/** A promise of the whole system, checked from outside: the history and the final state. */
export interface SystemInvariant {
  readonly name: string;
  readonly description: string;
  check(context: CheckContext): readonly Violation[];
}

export function checkContext(
  history: readonly HistoryEntry[],
  final: FinalState,
  options: CheckOptions,
): CheckContext {
  return {
    history,
    records: orderRecords(history),
    final,
    orders: new Map(final.orders.map((o) => [o.orderId, o])),
    options,
  };
}
