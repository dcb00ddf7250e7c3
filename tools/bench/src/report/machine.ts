import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { findNatsServer } from "@bazaar/nats-tools";

/** `machineLine` names the CPU, its cores, memory and the load when the run started (shared machines drift). */
export function machineLine(): string {
  const load = loadavg()
    .map((n) => n.toFixed(1))
    .join(" ");
  return `${cpus()[0]?.model ?? "unknown CPU"}, ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GB, load average at start ${load}`;
}

/** `natsServerVersion` asks the binary the harness uses. */
export function natsServerVersion(): string {
  const found = findNatsServer().found;
  if (!found) return "not found";
  return execFileSync(found.path, ["--version"], { encoding: "utf8" })
    .trim()
    .replace(/^nats-server:\s*/, "");
}

/** `loadAverage` is the 1-minute load average now (recorded next to each scenario). */
export function loadAverage(): number {
  try {
    return Number(readFileSync("/proc/loadavg", "utf8").split(" ")[0]);
  } catch {
    return loadavg()[0] ?? 0;
  }
}
