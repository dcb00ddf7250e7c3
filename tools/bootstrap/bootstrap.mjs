#!/usr/bin/env node
// `pnpm bootstrap` prepares a fresh clone: checks Node, installs dependencies (building better-sqlite3
// from source when no prebuilt binary can be fetched), and provisions nats-server and the nats CLI.
// It is plain JavaScript with no dependencies because it runs before anything is installed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ci = process.argv.includes("--ci") || Boolean(process.env.CI);

function fail(message) {
  console.error(`bootstrap: ${message}`);
  process.exit(1);
}

function run(command, args, env = process.env) {
  console.log(`\n$ ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: "inherit",
    env,
    shell: process.platform === "win32",
  });
  if (result.status !== 0)
    fail(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
}

const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19))
  fail(`Node ${process.versions.node} is too old: Bazaar needs Node 20.19 or newer.`);

const env = { ...process.env };
// node-gyp needs Node's headers to build better-sqlite3 when no prebuilt binary is reachable. A Node
// installation keeps them next to its binary (<prefix>/include/node), so point node-gyp there rather
// than letting it download them.
const prefix = resolve(dirname(process.execPath), "..");
if (!env.npm_config_nodedir && existsSync(join(prefix, "include", "node", "node.h"))) {
  env.npm_config_nodedir = prefix;
  console.log(`bootstrap: using Node headers from ${prefix} for native builds`);
}

run("pnpm", ci ? ["install", "--frozen-lockfile"] : ["install"], env);
run("pnpm", ["--filter", "@bazaar/nats-tools", "run", "cli", "install"], env);
console.log("\nbootstrap: ready. Start everything with `pnpm dev`; run the tests with `pnpm test`.");
