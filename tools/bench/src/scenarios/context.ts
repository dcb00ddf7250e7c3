import type { ProductionBuild } from "@bazaar/system-harness";
import type { BenchOptions } from "../run/options.js";

/** What every scenario gets from the harness: the production build, the options, this run's folder. */
export interface BenchContext extends ProductionBuild {
  readonly options: BenchOptions;
  /** This run's folder for systems' data and logs. */
  readonly runDir: string;
  log(line: string): void;
}

/** The production settings every system runs with unless a row says otherwise. */
export const PRODUCTION_ENV = { SQLITE_SYNCHRONOUS: "FULL" } as const;

/**
 * How the bench runs every system (`@bazaar/system-harness`): its own broker connections named `bench-*`,
 * and 90 s for the services to be ready (the monolith starts them all in one process).
 */
export const BENCH_SYSTEM = { harness: "bench", readyTimeoutMs: 90_000 } as const;

/** The product the read scenarios fetch: one of the catalogue the inventory seeds. */
export const READ_SKU = "MUG-001";
