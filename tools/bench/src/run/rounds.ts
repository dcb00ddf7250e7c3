import { type ProcUsage, watchProcs } from "../proc/proc-stat.js";
import type { Measurement } from "../report/result.js";

/** What one load run reports (the load generator's side). */
export interface LoadOutcome {
  readonly rate: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
}

export interface RoundTarget {
  readonly name: string;
  pids(): Record<string, number>;
  /** Warms up, then runs the measured load; the window between `measure` and its end is watched. */
  run(measure: { start(): void }): Promise<LoadOutcome>;
}

/**
 * `interleavedRounds` runs every target once per round, in the same order each round (ABCABCABC), so drift
 * on a shared machine spreads over all of them; each run's processes are sampled during its measured window.
 */
export async function interleavedRounds(
  targets: readonly RoundTarget[],
  rounds: number,
  log: (line: string) => void,
): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      let watcher: ReturnType<typeof watchProcs> | undefined;
      const outcome = await t.run({
        start: () => {
          watcher = watchProcs(t.pids());
        },
      });
      const procs: Record<string, ProcUsage> = watcher?.stop() ?? {};
      out.push({ target: t.name, round, ...outcome, procs });
      log(
        `  round ${round} ${t.name}: ${outcome.rate}/s, p50 ${outcome.p50Ms} ms, p99 ${outcome.p99Ms} ms, errors ${outcome.errors}`,
      );
    }
  }
  return out;
}
