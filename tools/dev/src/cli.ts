#!/usr/bin/env node
// `pnpm dev`: NATS, the streams, every service (hot reload) and the console, with one banner.
// `pnpm dev:monolith` runs the same services in one process. `pnpm dev --only orders,inventory` runs some
// of them against a broker that is already running. `pnpm dev:reset` wipes local data.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findRepoRoot, NatsToolsError } from "@bazaar/nats-tools";
import { DEFAULT_GRANTED_PARTITIONS } from "@bazaar/service-kit/platform";
import { runDev } from "./dev-run.js";
import type { RunMode } from "./service-env.js";

const USAGE = `usage: pnpm dev [--mode processes|monolith] [--only a,b] [--no-watch] [--traces | --no-traces]
                [--instances N [--partitions P]]
       pnpm dev:reset
--instances N runs N instances of every partitioned service over P partitions (default 16).`;

/** `DEV_TRACES=off|auto|install` sets the default of `--traces` / `--no-traces`. */
function tracesFromEnv(): "auto" | "install" | "off" {
  const value = process.env.DEV_TRACES;
  return value === "off" || value === "install" ? value : "auto";
}

async function main(): Promise<number> {
  // better-sqlite3 13 crashes the services on an older Node (a segfault with no message): say it first.
  if (Number(process.versions.node.split(".")[0]) < 24) {
    console.error(
      `Node ${process.versions.node} is too old: Bazaar needs Node 24. Install it, then \`pnpm bootstrap\`.`,
    );
    return 1;
  }
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      mode: { type: "string" },
      only: { type: "string" },
      "no-watch": { type: "boolean" },
      traces: { type: "boolean" },
      "no-traces": { type: "boolean" },
      instances: { type: "string" },
      partitions: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  // DATA_DIR moves every SQLite file and the broker's store (the services get the same variable).
  const dataDir = process.env.DATA_DIR ?? join(findRepoRoot(), ".data");
  const command = positionals[0] ?? "start";
  if (command === "reset") {
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`removed ${dataDir}`);
    return 0;
  }
  const mode = (values.mode ?? process.env.BAZAAR_MODE ?? "processes") as RunMode;
  if (mode !== "processes" && mode !== "monolith") {
    console.error(`--mode must be "processes" or "monolith"\n${USAGE}`);
    return 2;
  }
  const only = values.only
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const instances = Number(values.instances ?? 1);
  const partitions = Number(values.partitions ?? (instances > 1 ? 16 : 1));
  if (
    !Number.isInteger(instances) ||
    instances < 1 ||
    !Number.isInteger(partitions) ||
    partitions < instances
  ) {
    console.error(`--instances must be a positive integer, and --partitions at least as many\n${USAGE}`);
    return 2;
  }
  if (partitions > DEFAULT_GRANTED_PARTITIONS) {
    // The broker's committed permissions name each partition's durables up to that many.
    console.error(
      `--partitions may be at most ${DEFAULT_GRANTED_PARTITIONS} (the broker's permissions)\n${USAGE}`,
    );
    return 2;
  }
  if (instances > 1 && mode === "monolith") {
    console.error(`--instances needs processes mode: a monolith is one process\n${USAGE}`);
    return 2;
  }
  // In one process there is nothing to restart per service: hot reload is for processes mode.
  return runDev({
    ...(instances > 1 ? { instances, partitions } : {}),
    mode,
    watch: mode === "processes" && !values["no-watch"],
    dataDir,
    traces: values["no-traces"] ? "off" : values.traces ? "install" : tracesFromEnv(),
    ...(only && only.length > 0 ? { only } : {}),
  });
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof NatsToolsError ? err.message : err);
    process.exit(1);
  },
);
