import { join } from "node:path";
import { type SystemUnderTest, startSystem } from "@bazaar/system-harness";
import type { ChargeLoadConfig, ChargeLoadResult } from "../load/charge-load.js";
import { runWorker } from "../load/worker.js";
import { type ScenarioResult, summarize } from "../report/result.js";
import { interleavedRounds, type RoundTarget } from "../run/rounds.js";
import { ratio } from "../stats/stats.js";
import { BENCH_SYSTEM, type BenchContext, PRODUCTION_ENV } from "./context.js";

/** Partitions in both systems: the only difference between them is how many instances own them. */
const PARTITIONS = 8;

/**
 * Scenario 6: one partitioned service's write path (payments.charge: a new order each, one SQLite commit
 * with its outbox row, the event published) with one instance and with two, each owning half the
 * partitions. Both systems run side by side, so the rounds interleave; CPU per charge is measured per
 * process, which is what the throughput model in docs/scale-out.md is built from.
 */
export async function partitions(ctx: BenchContext): Promise<ScenarioResult> {
  const systems = new Map<number, SystemUnderTest>();
  try {
    for (const instances of [1, 2]) {
      ctx.log(`starting Bazaar with ${instances} payments instance(s) over ${PARTITIONS} partitions`);
      const system = await startSystem({
        ...BENCH_SYSTEM,
        root: ctx.root,
        services: ctx.services,
        folders: ctx.folders,
        dir: join(ctx.runDir, `partitions-x${instances}`),
        env: PRODUCTION_ENV,
        instances,
        partitions: PARTITIONS,
      });
      systems.set(instances, system);
    }
    const targets: RoundTarget[] = [...systems].map(([instances, system]) => ({
      name: `×${instances}`,
      pids: () => {
        const all = system.pids();
        const mine: Record<string, number> = { nats: all.nats ?? -1 };
        for (const name of system.instances("payments")) mine[name] = all[name] ?? -1;
        return mine;
      },
      run: async (measure) => {
        const config: ChargeLoadConfig = {
          servers: system.broker.url,
          user: system.broker.operator.user,
          pass: system.broker.operator.password,
          partitions: PARTITIONS,
          concurrency: ctx.options.concurrency,
          warmupMs: ctx.options.warmupSeconds * 1000,
          durationMs: ctx.options.seconds * 1000,
        };
        const r = await runWorker<ChargeLoadResult>("./charge-load.ts", config, () => measure.start());
        return { rate: r.requestsPerSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors };
      },
    }));
    const runs = await interleavedRounds(targets, ctx.options.rounds, ctx.log);
    const rows = [
      summarize("×1", `one payments instance owning all ${PARTITIONS} partitions`, runs),
      summarize("×2", `two payments instances, ${PARTITIONS / 2} partitions each`, runs),
    ];
    const [one, two] = rows as [(typeof rows)[0], (typeof rows)[0]];
    return {
      name: "partitions",
      title: "6. Partitions: payments.charge with one and two instances",
      unit: "charges/s",
      method: `A separate Node process keeps ${ctx.options.concurrency} payments.charge commands in flight (closed loop), each for a new order id and routed to its partition's subject as the kit routes it; ${ctx.options.warmupSeconds} s warm-up then ${ctx.options.seconds} s measured, ${ctx.options.rounds} interleaved round(s). Production settings (SQLITE_SYNCHRONOUS=FULL, sync_interval always). CPU and RSS of the payments instances and nats-server.`,
      rows,
      ratios: {
        "×2/×1 charges/s": ratio(two.rate, one.rate),
        "×2/×1 p50": ratio(two.p50Ms, one.p50Ms),
      },
      measurements: runs,
    };
  } finally {
    for (const s of systems.values()) await s.stop();
  }
}
