import { join } from "node:path";
import { runCommand } from "@bazaar/system-harness";
import type { ScenarioResult } from "../report/result.js";
import type { BenchContext } from "./context.js";

/** `parseEventPathOutput` reads the kit's event-path benchmark report into its four figures. */
export function parseEventPathOutput(output: string) {
  const line = (label: RegExp) => {
    const all = output.split("\n").filter((l) => label.test(l));
    return all.map((l) => {
      const m = /([\d.]+) events\/s, p50 ([\d.]+) ms, p99 ([\d.]+) ms/.exec(l);
      return m ? { rate: Number(m[1]), p50Ms: Number(m[2]), p99Ms: Number(m[3]) } : undefined;
    });
  };
  const [bareSaturated, bareSteady] = line(/baseline, bare JetStream/);
  const [kitSaturated, kitSteady] = line(/kit, outbox/);
  return { bareSaturated, bareSteady, kitSaturated, kitSteady };
}

/**
 * Scenario 4: outbox commit → consumer commit. It runs the kit's own benchmark
 * (`packages/service-kit/bench/event-path.ts`, unchanged) in its own process and folds its figures in.
 */
export async function eventPath(ctx: BenchContext): Promise<ScenarioResult> {
  const events = ctx.options.quick ? 1000 : 5000;
  const rate = 250;
  ctx.log(`running the kit's event-path benchmark (${events} events, steady ${rate}/s)`);
  const output = await runCommand({
    command: process.execPath,
    args: [
      "--import",
      "tsx",
      "--conditions=@bazaar/source",
      "bench/event-path.ts",
      String(events),
      String(rate),
    ],
    cwd: join(ctx.root, "packages", "service-kit"),
    env: { ...process.env, BENCH_SYNC: "FULL" },
  });
  const f = parseEventPathOutput(output);
  const row = (
    target: string,
    description: string,
    r: { rate: number; p50Ms: number; p99Ms: number } | undefined,
  ) => ({
    target,
    description,
    rounds: 1,
    rate: r?.rate ?? 0,
    p50Ms: r?.p50Ms ?? 0,
    p99Ms: r?.p99Ms ?? 0,
    errors: 0,
    cpu: {},
    peakRssMb: {},
  });
  return {
    name: "event-path",
    title: "4. Event path: outbox commit → consumer commit",
    unit: "events/s",
    method: `The kit's own benchmark, unchanged (\`packages/service-kit/bench/event-path.ts\`, sources through tsx, its test broker from @bazaar/testing, SQLite synchronous=FULL): ${events} events sent as fast as possible (saturated), then ${Math.min(events, rate * 4)} at ${rate}/s (steady, for latency); baseline bare JetStream publish → pull consume. One round, no per-process figures (producer and consumer share the process).`,
    rows: [
      row("bare saturated", "bare JetStream, as fast as possible", f.bareSaturated),
      row("kit saturated", "outbox → relay → inbox, as fast as possible", f.kitSaturated),
      row(`bare ${rate}/s`, "bare JetStream, steady", f.bareSteady),
      row(`kit ${rate}/s`, "outbox → relay → inbox, steady", f.kitSteady),
    ],
    ratios: {
      "kit/bare saturated events/s":
        f.kitSaturated && f.bareSaturated
          ? Math.round((f.kitSaturated.rate / f.bareSaturated.rate) * 100) / 100
          : null,
      "kit/bare steady p50":
        f.kitSteady && f.bareSteady ? Math.round((f.kitSteady.p50Ms / f.bareSteady.p50Ms) * 100) / 100 : null,
    },
    measurements: [],
    notes: ["```", output.trim(), "```"],
  };
}
