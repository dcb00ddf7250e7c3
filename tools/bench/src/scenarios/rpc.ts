import { inventory } from "@bazaar/contracts";
import type { NatsLoadConfig, NatsLoadResult } from "../load/nats-load.js";
import { runWorker } from "../load/worker.js";
import { RAW_SUBJECT } from "../peers/fleet.js";
import { type ScenarioResult, summarize } from "../report/result.js";
import { interleavedRounds, type RoundTarget } from "../run/rounds.js";
import { ratio } from "../stats/stats.js";
import { type BenchContext, READ_SKU } from "./context.js";
import type { ReadSession } from "./read-session.js";

/** Scenario 2: RPC only, a closed loop of nats.js requests against the kit's handler and a raw responder. */
export async function rpc(ctx: BenchContext, session: ReadSession): Promise<ScenarioResult> {
  const { broker } = session.system;
  const natsPid = () => session.system.pids().nats ?? -1;
  const raw = session.targets.find((t) => t.name === "hono-nats");
  if (!raw) throw new Error("the raw responder (hono-nats peer) is not running");
  const target = (
    name: string,
    subject: string,
    pids: () => Record<string, number>,
    headers?: Record<string, string>,
  ): RoundTarget => ({
    name,
    pids: () => ({ ...pids(), nats: natsPid() }),
    run: async (measure) => {
      const config: NatsLoadConfig = {
        servers: broker.url,
        user: broker.operator.user,
        pass: broker.operator.password,
        subject,
        body: JSON.stringify({ sku: READ_SKU }),
        ...(headers ? { headers } : {}),
        concurrency: ctx.options.concurrency,
        warmupMs: ctx.options.warmupSeconds * 1000,
        durationMs: ctx.options.seconds * 1000,
      };
      const r = await runWorker<NatsLoadResult>("./nats-load.ts", config, () => measure.start());
      return { rate: r.requestsPerSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors };
    },
  });
  const targets = [
    target(
      "kit",
      inventory.getProduct.subject,
      () => ({ inventory: session.system.pids().inventory ?? -1 }),
      {
        // What the kit's own client sends: who calls, and how long it waits.
        "Bazaar-Caller": "bench",
        "Bazaar-Timeout-Ms": "5000",
      },
    ),
    target("raw", RAW_SUBJECT, () => ({ "raw-responder": raw.pids()["raw-responder"] ?? -1 })),
  ];
  const runs = await interleavedRounds(targets, ctx.options.rounds, ctx.log);
  const rows = [
    summarize("kit", `the kit's inventory.getProduct (${inventory.getProduct.subject})`, runs),
    summarize("raw", `raw nats.js responder, prepared statement (${RAW_SUBJECT})`, runs),
  ];
  const [kit, rawRow] = rows as [(typeof rows)[0], (typeof rows)[0]];
  return {
    name: "rpc",
    title: "2. RPC only: inventory.getProduct over NATS",
    unit: "req/s",
    method: `A separate Node process keeps ${ctx.options.concurrency} nats.js requests in flight (closed loop), ${ctx.options.warmupSeconds} s warm-up then ${ctx.options.seconds} s measured, ${ctx.options.rounds} interleaved round(s); the same SKU from the same rows (the raw responder reads a VACUUM INTO copy of the inventory's file).`,
    rows,
    ratios: {
      "kit/raw req/s": ratio(kit.rate, rawRow.rate),
      "kit/raw p50": ratio(kit.p50Ms, rawRow.p50Ms),
      "kit/raw p99": ratio(kit.p99Ms, rawRow.p99Ms),
    },
    measurements: runs,
  };
}
