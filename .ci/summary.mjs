#!/usr/bin/env node
// Sums the Vitest JSON reports every package wrote into one line: "N passed, N failed". A package whose
// report is missing or unreadable (Vitest crashed or was killed) counts as a failure, as does a test file
// that failed to load.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
let passed = 0;
let failed = 0;
const problems = [];
for (const group of ["packages", "services", "tools"]) {
  const groupDir = join(root, group);
  if (!existsSync(groupDir)) continue;
  for (const name of readdirSync(groupDir)) {
    const pkg = join(groupDir, name);
    if (!existsSync(join(pkg, "package.json"))) continue;
    const scripts = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).scripts ?? {};
    if (!scripts.test) continue;
    const report = join(pkg, ".test-results", "vitest.json");
    let r;
    try {
      r = JSON.parse(readFileSync(report, "utf8"));
    } catch {
      problems.push(`${group}/${name}: no readable test report`);
      failed += 1;
      continue;
    }
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    // Name each failed test with the first line of its error: the summary is what a reader of CI sees last.
    for (const file of r.testResults ?? []) {
      for (const a of file.assertionResults ?? []) {
        if (a.status !== "failed") continue;
        const first = String(a.failureMessages?.[0] ?? "").split("\n")[0].slice(0, 300);
        problems.push(`${group}/${name}: ${file.name.slice(pkg.length + 1)} > ${a.fullName}: ${first}`);
      }
    }
    // A test file that failed to load has no failed tests of its own: count the file.
    const brokenFiles = (r.testResults ?? []).filter((f) => f.status === "failed" && (f.assertionResults ?? []).every((a) => a.status !== "failed")).length;
    failed += brokenFiles;
    if (brokenFiles > 0) problems.push(`${group}/${name}: ${brokenFiles} test file(s) failed to run`);
    if (r.success === false && (r.numFailedTests ?? 0) === 0 && brokenFiles === 0) {
      problems.push(`${group}/${name}: the run failed outside any test`);
      failed += 1;
    }
  }
}
for (const p of problems) console.log(p);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
