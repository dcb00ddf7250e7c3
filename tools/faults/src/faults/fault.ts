import type { SystemUnderTest, TopologyService } from "@bazaar/system-harness";
import type { History } from "../history/history-writer.js";

export interface FaultContext {
  readonly system: SystemUnderTest;
  readonly history: History;
  /** How long the load runs; faults place themselves within it. */
  readonly loadMs: number;
  readonly log: (line: string) => void;
}

/**
 * One kind of failure. `inject` runs beside the load, from its start: it breaks something, records
 * `fault start`, puts it right, records `fault heal` (recovery is measured from there), and resolves when
 * it is done. A fault that needs the system started differently says so (`natsNodes`, `envFor`).
 */
export interface Fault {
  readonly name: string;
  /** What it does, for the report. */
  readonly description: string;
  readonly natsNodes?: 1 | 3;
  /** The report measures the share of orders that kept flowing while it was on (`measureFlow`). */
  readonly measuresFlow?: boolean;
  /**
   * The invariants this fault must make fail, when it plants damage on purpose (the canary): its scenario
   * passes when exactly these report violations.
   */
  readonly expects?: readonly string[];
  /** Settings per service for the whole scenario. */
  envFor?(services: readonly TopologyService[]): Record<string, Record<string, string>>;
  inject(context: FaultContext): Promise<void>;
}

/** `recordFault` notes a fault's step in the history and the console. */
export function recordFault(
  context: FaultContext,
  step: { fault: string; action: "start" | "heal" | "note"; target?: string; detail?: string },
): void {
  context.history.record({ type: "fault", ...step });
  context.log(
    `  ${step.action} ${step.fault}${step.target ? ` ${step.target}` : ""}${step.detail ? `: ${step.detail}` : ""}`,
  );
}
