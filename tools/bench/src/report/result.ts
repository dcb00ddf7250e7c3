import type { ProcUsage } from "../proc/proc-stat.js";
import { median } from "../stats/stats.js";

/** One measured run of one target in one round. */
export interface Measurement {
  readonly target: string;
  readonly round: number;
  /** Requests (or orders) per second. */
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly procs: Readonly<Record<string, ProcUsage>>;
}

/** A target's line in a scenario's table: medians over its rounds. */
export interface Row {
  readonly target: string;
  readonly description: string;
  readonly rounds: number;
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Median CPU (cores) per process over the rounds. */
  readonly cpu: Readonly<Record<string, number>>;
  /** Highest sampled RSS (MB) per process over the rounds. */
  readonly peakRssMb: Readonly<Record<string, number>>;
}

export interface ScenarioResult {
  readonly name: string;
  readonly title: string;
  /** What the rate counts: `req/s`, `orders/s`, `events/s`. */
  readonly unit: string;
  readonly method: string;
  readonly rows: readonly Row[];
  /** Named ratios, e.g. `bazaar/moleculer req/s`. */
  readonly ratios: Readonly<Record<string, number | null>>;
  readonly measurements: readonly Measurement[];
  /** Free text (the footprint's table, the event path's raw output). */
  readonly notes?: readonly string[];
}

/** `summarize` folds a target's rounds into its row: the median of each figure, the peak of RSS. */
export function summarize(target: string, description: string, runs: readonly Measurement[]): Row {
  const mine = runs.filter((m) => m.target === target);
  const names = [...new Set(mine.flatMap((m) => Object.keys(m.procs)))];
  const round1 = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
  return {
    target,
    description,
    rounds: mine.length,
    rate: round1(median(mine.map((m) => m.rate)), 1),
    p50Ms: round1(median(mine.map((m) => m.p50Ms))),
    p99Ms: round1(median(mine.map((m) => m.p99Ms))),
    errors: mine.reduce((sum, m) => sum + m.errors, 0),
    cpu: Object.fromEntries(names.map((n) => [n, round1(median(mine.map((m) => m.procs[n]?.cpu ?? 0)))])),
    peakRssMb: Object.fromEntries(
      names.map((n) => [n, Math.max(...mine.map((m) => m.procs[n]?.peakRssMb ?? 0))]),
    ),
  };
}

/** `failedScenario` is the report's entry for a scenario that could not finish, with the reason. */
export function failedScenario(name: string, title: string, reason: string): ScenarioResult {
  return {
    name,
    title: `${title} (FAILED)`,
    unit: "",
    method: "The scenario did not finish:",
    rows: [],
    ratios: {},
    measurements: [],
    notes: ["```", reason.slice(0, 2000), "```"],
  };
}
