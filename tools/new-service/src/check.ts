#!/usr/bin/env node
// `pnpm --filter @bazaar/new-service run check [--keep] [name]` proves the generator end to end, on a
// scratch copy of this repo (never the repo itself): install, `pnpm new:service reviews`, then the new
// service's typecheck, lint and tests, and the tests of everything the generator edited (contracts,
// topology, asyncapi, deploy). Too slow for `pnpm test` (several minutes: deploy builds every service);
// CI runs it. Exits 1 when any step fails, and keeps the copy then so the failure can be looked at.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "./repo-root.js";

const { values, positionals } = parseArgs({
  args: process.argv.slice(2),
  allowPositionals: true,
  options: { keep: { type: "boolean" } },
});
const name = positionals[0] ?? "reviews";
const root = repoRoot();

/** What the copy leaves out: installs, history, build output, test reports, local data, big caches. */
const SKIPPED_NAMES = new Set([
  "node_modules",
  ".git",
  "dist",
  ".test-results",
  ".turbo",
  ".data",
  "test-artifacts",
]);
// The copy keeps .bin (nats-server, the nats CLI, kustomize: the tests find them there), not the rest.
const SKIPPED_PATHS = new Set([".bin/node-24", ".bin/fuzz-venv", ".bin/bazaar-otelcol"]);

interface Step {
  readonly label: string;
  readonly ok: boolean;
  readonly seconds: number;
  readonly tests?: string;
}

const started = Date.now();
const scratch = mkdtempSync(join(tmpdir(), "bazaar-new-service-check-"));
const logs = join(scratch, ".check-logs");
const steps: Step[] = [];
const seconds = (since: number) => (Date.now() - since) / 1000;

function copyRepo(): void {
  cpSync(root, scratch, {
    recursive: true,
    filter: (source) => {
      const path = relative(root, source).replace(/\\/g, "/");
      if (path === "") return true;
      if (SKIPPED_NAMES.has(basename(source)) || SKIPPED_PATHS.has(path)) return false;
      return !path.endsWith(".jar");
    },
  });
  mkdirSync(logs, { recursive: true });
}

/** The tests a package's last Vitest run counted (its JSON report), e.g. `37 passed`. */
function testCount(dir: string | undefined): string | undefined {
  if (!dir) return undefined;
  const report = join(scratch, dir, ".test-results", "vitest.json");
  if (!existsSync(report)) return undefined;
  const r = JSON.parse(readFileSync(report, "utf8")) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests?: number;
  };
  const skipped = r.numPendingTests ? `, ${r.numPendingTests} skipped` : "";
  return `${r.numPassedTests} passed, ${r.numFailedTests} failed${skipped}`;
}

function step(label: string, command: string, args: string[], testsIn?: string): boolean {
  const since = Date.now();
  process.stdout.write(`… ${label}: ${command} ${args.join(" ")}\n`);
  const result = spawnSync(command, args, {
    cwd: scratch,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, FORCE_COLOR: "0" },
  });
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}${result.error ? String(result.error) : ""}`;
  const log = join(logs, `${steps.length + 1}-${label.replace(/[^a-z0-9]+/gi, "-")}.log`);
  writeFileSync(log, output);
  const ok = result.status === 0;
  const tests = testsIn && args.includes("test") ? testCount(testsIn) : undefined;
  steps.push({ label, ok, seconds: seconds(since), ...(tests ? { tests } : {}) });
  const took = `${seconds(since).toFixed(1)} s`;
  console.log(`${ok ? "✓" : "✗"} ${label} (${took}${tests ? `; ${tests}` : ""})`);
  if (!ok) console.log(`${output.split("\n").slice(-40).join("\n")}\n  (whole output: ${log})`);
  return ok;
}

console.log(`checking pnpm new:service ${name} on a copy of ${root} in ${scratch}`);
copyRepo();
console.log(`✓ copied the repo (${seconds(started).toFixed(1)} s)`);
if (!step("install", "pnpm", ["install", "--offline"])) {
  // Offline needs every package in pnpm's store; the registry is the fallback, as in `pnpm bootstrap`.
  steps.pop();
  step("install (online)", "pnpm", ["install"]);
}
const generated = step("generate", "pnpm", ["--filter", "@bazaar/new-service", "run", "cli", name]);
if (generated) {
  const service = `@bazaar/${name}`;
  const packages: ReadonlyArray<readonly [pkg: string, dir: string, tasks: readonly string[]]> = [
    [service, `services/${name}`, ["typecheck", "lint", "test"]],
    ["@bazaar/contracts", "packages/contracts", ["typecheck", "lint", "test"]],
    ["@bazaar/topology", "packages/topology", ["typecheck", "lint", "test"]],
    ["@bazaar/asyncapi", "packages/asyncapi", ["test"]],
  ];
  for (const [pkg, dir, tasks] of packages)
    for (const task of tasks) step(`${pkg} ${task}`, "pnpm", ["--filter", pkg, "run", task], dir);
  // deploy's folder tests build every service inside a 5-minute hook; a copy starts with nothing built,
  // so the same build (turbo, every service and what it depends on) goes first, outside the hook.
  const services = readdirSync(join(scratch, "services")).map((s) => `--filter=@bazaar/${s}...`);
  step("build the services", "pnpm", ["turbo", "run", "build", ...services]);
  step("@bazaar/deploy typecheck", "pnpm", ["--filter", "@bazaar/deploy", "run", "typecheck"]);
  step("@bazaar/deploy test", "pnpm", ["--filter", "@bazaar/deploy", "run", "test"], "tools/deploy");
}

const failed = steps.filter((s) => !s.ok);
console.log(
  `\nnew-service check: ${steps.length - failed.length} of ${steps.length} steps passed in ${seconds(started).toFixed(0)} s`,
);
if (failed.length > 0) {
  console.log(`failed: ${failed.map((s) => s.label).join(", ")}; the copy is kept in ${scratch}`);
  process.exitCode = 1;
} else if (values.keep) {
  console.log(`the copy is kept in ${scratch}`);
} else {
  rmSync(scratch, { recursive: true, force: true });
}
