#!/usr/bin/env node
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findRepoRoot } from "@bazaar/nats-tools";
import { deployFolders, topologyServices } from "@bazaar/system-harness";
import { markdownReport, type ReportRow, verdict } from "./report/markdown-report.js";
import { type ProfileName, profileScenarios } from "./run/profiles.js";
import { runScenario } from "./run/run-scenario.js";

const USAGE = `usage: pnpm test:faults [--profile ci|long] [--scenario name,...] [--rate N] [--duration S]
                        [--instances N] [--nats-nodes 1|3] [--results DIR] [--reuse-deploy]

Runs the production build of every service of the registry (packages/topology) under faults, with a
careful client placing orders through the gateway, and checks the system's invariants. Exits 1 on any
violation.

  --profile       ci (default: every fault, small scale, within 10 minutes) or long (full length)
  --scenario      only these scenarios (names as in the report)
  --rate          orders per second          --duration   load seconds per scenario
  --instances     instances of each partitioned service (default 1), over 8 partitions
  --nats-nodes    NATS servers for every scenario (default: 1, or 3 where the fault needs a cluster)
  --results       where runs go (default tools/faults/test-artifacts/runs)
  --reuse-deploy  keep deploy folders from an earlier run instead of building them again`;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      profile: { type: "string", default: "ci" },
      scenario: { type: "string" },
      rate: { type: "string" },
      duration: { type: "string" },
      results: { type: "string" },
      instances: { type: "string" },
      "nats-nodes": { type: "string" },
      "reuse-deploy": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    log(USAGE);
    return 0;
  }
  if (values.profile !== "ci" && values.profile !== "long") {
    log(`--profile must be ci or long\n\n${USAGE}`);
    return 2;
  }
  const profile: ProfileName = values.profile;
  const instances = Number(values.instances ?? 1);
  const natsNodes = values["nats-nodes"] === undefined ? undefined : Number(values["nats-nodes"]);
  if (
    !Number.isInteger(instances) ||
    instances < 1 ||
    (natsNodes !== undefined && natsNodes !== 1 && natsNodes !== 3)
  ) {
    log(`--instances must be a positive integer and --nats-nodes 1 or 3\n\n${USAGE}`);
    return 2;
  }
  const nodes: 1 | 3 | undefined = natsNodes === 1 || natsNodes === 3 ? natsNodes : undefined;
  const shape = { instances, ...(nodes ? { natsNodes: nodes } : {}) };
  const title = `Fault suite: ${profile} profile${instances > 1 ? `, ${instances} instances of each partitioned service` : ""}${natsNodes ? `, ${natsNodes} NATS server(s) throughout` : ""}`;
  const root = findRepoRoot();
  const here = join(root, "tools", "faults");
  const all = profileScenarios(profile, {
    ...(values.rate ? { rate: Number(values.rate) } : {}),
    ...(values.duration ? { durationMs: Number(values.duration) * 1000 } : {}),
  });
  const wanted = values.scenario?.split(",").map((s) => s.trim());
  const unknown = wanted?.filter((w) => !all.some((s) => s.name === w)) ?? [];
  if (unknown.length > 0) {
    log(`unknown scenario ${unknown.join(", ")}; scenarios: ${all.map((s) => s.name).join(", ")}`);
    return 2;
  }
  const scenarios = wanted ? all.filter((s) => wanted.includes(s.name)) : all;
  const started = Date.now();
  const services = topologyServices(root);
  const folders = await deployFolders({
    root,
    services,
    dir: join(here, "test-artifacts", "deploy"),
    reuse: values["reuse-deploy"],
    log,
  });
  const runDir = join(
    values.results ?? join(here, "test-artifacts", "runs"),
    `${new Date().toISOString().replace(/[:.]/g, "-")}-${profile}${instances > 1 ? `-x${instances}` : ""}`,
  );
  mkdirSync(runDir, { recursive: true });
  log(`fault suite, ${profile} profile: ${scenarios.length} scenarios → ${runDir}`);
  const rows: ReportRow[] = [];
  for (const scenario of scenarios) {
    log(
      `\n▶ ${scenario.name}: ${scenario.fault.description} (${scenario.load.ratePerSecond}/s for ${scenario.load.durationMs / 1000} s)`,
    );
    const result = await runScenario({ root, scenario, services, folders, dir: runDir, log, shape });
    const row: ReportRow = { ...result };
    rows.push(row);
    log(
      `  ${verdict(row)}: ${result.metrics.acknowledged}/${result.metrics.attempted} acknowledged, ${result.metrics.confirmed} confirmed, ${result.violations.length} violations, ${Math.round(result.durationMs / 1000)} s`,
    );
    writeFileSync(join(runDir, "report.md"), markdownReport(title, rows));
  }
  const report = markdownReport(title, rows);
  writeFileSync(join(runDir, "report.md"), report);
  log(`\n${report}`);
  log(`whole run: ${Math.round((Date.now() - started) / 1000)} s; report: ${join(runDir, "report.md")}`);
  return rows.every((r) => verdict(r) === "pass") ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
