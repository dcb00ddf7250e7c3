import { runWrk } from "../load/wrk.js";
import type { HttpTarget } from "../peers/fleet.js";
import { type ScenarioResult, summarize } from "../report/result.js";
import { interleavedRounds, type RoundTarget } from "../run/rounds.js";
import { ratio } from "../stats/stats.js";
import type { BenchContext } from "./context.js";
import type { ReadSession } from "./read-session.js";

/** `httpRoundTarget` warms a stack up with wrk, then measures it with wrk, its processes and the broker watched. */
export function httpRoundTarget(ctx: BenchContext, t: HttpTarget, natsPid: () => number): RoundTarget {
  const { warmupSeconds, seconds, concurrency } = ctx.options;
  return {
    name: t.name,
    pids: () => ({ ...t.pids(), nats: natsPid() }),
    async run(measure) {
      await runWrk({ url: t.url, connections: concurrency, seconds: warmupSeconds });
      measure.start();
      const r = await runWrk({ url: t.url, connections: concurrency, seconds });
      return { rate: Math.round(r.requestsPerSecond), p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors };
    },
  };
}

/** Scenario 1: GET /api/products/:sku through each stack's HTTP edge and its NATS hop to the reader. */
export async function gatewayRead(ctx: BenchContext, session: ReadSession): Promise<ScenarioResult> {
  const natsPid = () => session.system.pids().nats ?? -1;
  const targets = session.targets;
  const runs = await interleavedRounds(
    targets.map((t) => httpRoundTarget(ctx, t, natsPid)),
    ctx.options.rounds,
    ctx.log,
  );
  const rows = targets.map((t) => summarize(t.name, t.description, runs));
  const exported = session.sink.stats();
  const rate = (name: string) => rows.find((r) => r.target === name)?.rate ?? 0;
  const p99 = (name: string) => rows.find((r) => r.target === name)?.p99Ms ?? 0;
  return {
    name: "gateway-read",
    title: "1. Gateway read: GET /api/products/:sku",
    unit: "req/s",
    method: `wrk, 1 thread, ${ctx.options.concurrency} connections, ${ctx.options.warmupSeconds} s warm-up then ${ctx.options.seconds} s measured, ${ctx.options.rounds} interleaved round(s); medians over rounds. CPU and RSS include the shared nats-server.`,
    rows,
    ratios: {
      "bazaar/moleculer req/s": ratio(rate("bazaar"), rate("moleculer")),
      "bazaar/nestjs req/s": ratio(rate("bazaar"), rate("nestjs")),
      "bazaar/hono-nats floor req/s": ratio(rate("bazaar"), rate("hono-nats")),
      "bazaar/node-http floor req/s": ratio(rate("bazaar"), rate("node-http")),
      "bazaar/moleculer p99": ratio(p99("bazaar"), p99("moleculer")),
      "bazaar traced/bazaar req/s": ratio(rate("bazaar-traced"), rate("bazaar")),
      "bazaar traced/bazaar p99": ratio(p99("bazaar-traced"), p99("bazaar")),
    },
    measurements: runs,
    notes: [
      `Tracing on: the traced stack's services sent the OTLP sink ${exported.requests} export requests (${Math.round(exported.bytes / 1024)} KiB) over the run.`,
    ],
  };
}
