import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { deployFolders, topologyServices } from "@bazaar/system-harness";
import { machineLine, natsServerVersion } from "../report/machine.js";
import { type ReportHeader, reportMarkdown } from "../report/markdown.js";
import { failedScenario, type ScenarioResult } from "../report/result.js";
import type { BenchContext } from "../scenarios/context.js";
import { eventPath } from "../scenarios/event-path.js";
import { footprint } from "../scenarios/footprint.js";
import { gatewayRead } from "../scenarios/gateway-read.js";
import { orderFlow } from "../scenarios/order-flow.js";
import { partitions } from "../scenarios/partitions.js";
import { type ReadSession, startReadSession } from "../scenarios/read-session.js";
import { rpc } from "../scenarios/rpc.js";
import type { BenchOptions } from "./options.js";

export interface RunBenchOptions {
  readonly root: string;
  readonly benchDir: string;
  readonly options: BenchOptions;
  readonly log: (line: string) => void;
}

/** What a run wrote. */
export interface BenchRun {
  readonly markdown: string;
  readonly files: readonly string[];
}

/**
 * `runBench` builds the deploy folders, runs the chosen scenarios in order (the read scenarios share one
 * system and its peers; the order flow starts its own), and writes `results/<stamp>/report.{json,md}` and
 * `results/latest.{json,md}`.
 */
export async function runBench({ root, benchDir, options, log }: RunBenchOptions): Promise<BenchRun> {
  const stamp = new Date()
    .toISOString()
    .replaceAll(":", "-")
    .replace(/\.\d+Z$/, "Z");
  const runDir = join(benchDir, "test-artifacts", "runs", stamp);
  const services = topologyServices(root);
  const header: ReportHeader = {
    startedAt: new Date().toISOString(),
    machine: machineLine(),
    node: process.version,
    natsServer: natsServerVersion(),
    settings:
      "production build (deploy folders, their `npm start`: `node --max-semi-space-size=16 dist/main.js`, NODE_ENV=production, each service its own broker user), nats-server `sync_interval: always`, SQLITE_SYNCHRONOUS=FULL, unless a row says otherwise",
    load: "HTTP: wrk (C, 1 thread) in its own process; NATS and order flow: a Node process of the harness's (nats.js, fetch)",
  };
  const folders = await deployFolders({
    root,
    services,
    // Relative to where `pnpm bench` was typed (pnpm runs the script in tools/bench and says so in INIT_CWD).
    dir: options.deployDir
      ? resolve(process.env.INIT_CWD ?? process.cwd(), options.deployDir)
      : join(benchDir, "test-artifacts", "deploy"),
    reuse: options.reuseDeploy || options.deployDir !== undefined,
    log,
  });
  const ctx: BenchContext = { root, options, services, folders, runDir, log };
  const results: ScenarioResult[] = [];
  const wants = (name: string) => (options.only as readonly string[]).includes(name);
  // A scenario that fails is reported as failed; the others still run.
  const attempt = async (name: string, title: string, run: () => Promise<ScenarioResult>): Promise<void> => {
    log(`scenario ${name}`);
    try {
      results.push(await run());
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      log(`  ${name} failed: ${reason}`);
      results.push(failedScenario(name, title, reason));
    }
  };
  if (wants("gateway-read") || wants("rpc") || wants("footprint")) {
    const session: ReadSession = await startReadSession(ctx);
    try {
      if (wants("gateway-read"))
        await attempt("gateway-read", "1. Gateway read", () => gatewayRead(ctx, session));
      if (wants("rpc")) await attempt("rpc", "2. RPC only", () => rpc(ctx, session));
      if (wants("footprint")) results.push(footprint(session, wants("gateway-read")));
    } finally {
      await session.stop();
    }
  }
  if (wants("order-flow")) await attempt("order-flow", "3. Order flow", () => orderFlow(ctx));
  if (wants("event-path")) await attempt("event-path", "4. Event path", () => eventPath(ctx));
  if (wants("partitions")) await attempt("partitions", "6. Partitions", () => partitions(ctx));
  const order = ["gateway-read", "rpc", "order-flow", "event-path", "footprint", "partitions"];
  results.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  const markdown = `${reportMarkdown(header, results)}\n_${options.quick ? "--quick run: short windows, one round; a smoke test, not figures to quote." : `${options.rounds} rounds per scenario.`}_\n`;
  const json = `${JSON.stringify({ header, options, scenarios: results }, null, 2)}\n`;
  const outDir = join(benchDir, "results", stamp);
  mkdirSync(outDir, { recursive: true });
  const files = [
    join(outDir, "report.md"),
    join(outDir, "report.json"),
    join(benchDir, "results", "latest.md"),
    join(benchDir, "results", "latest.json"),
  ];
  writeFileSync(files[0] as string, markdown);
  writeFileSync(files[1] as string, json);
  writeFileSync(files[2] as string, markdown);
  writeFileSync(files[3] as string, json);
  return { markdown, files };
}
