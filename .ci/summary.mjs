#!/usr/bin/env node
// Sums the Vitest JSON reports every package wrote into one line: "N passed, N failed".
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
let passed = 0;
let failed = 0;
const missing = [];
for (const group of ["packages", "services", "tools"]) {
  const groupDir = join(root, group);
  if (!existsSync(groupDir)) continue;
  for (const name of readdirSync(groupDir)) {
    const pkg = join(groupDir, name);
    if (!existsSync(join(pkg, "package.json"))) continue;
    const scripts = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).scripts ?? {};
    if (!scripts.test) continue;
    const report = join(pkg, ".test-results", "vitest.json");
    if (!existsSync(report)) {
      missing.push(`${group}/${name}`);
      continue;
    }
    const r = JSON.parse(readFileSync(report, "utf8"));
    passed += r.numPassedTests ?? 0;
    failed += (r.numFailedTests ?? 0) + ((r.numFailedTestSuites ?? 0) ? 0 : 0);
    if (r.success === false && (r.numFailedTests ?? 0) === 0) failed += 1; // a suite that failed to load
  }
}
if (missing.length) console.log(`no test report from: ${missing.join(", ")}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || missing.length > 0 ? 1 : 0);
