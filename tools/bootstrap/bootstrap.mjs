#!/usr/bin/env node
// `pnpm bootstrap` prepares a fresh clone: checks Node, installs dependencies (any native build against
// this Node's own headers), checks that the SQLite addon loads, and provisions nats-server and the nats CLI. Each step says what it does and how long it took, and the last lines are
// the two commands to run next. It is plain JavaScript with no dependencies: it runs before any install.
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findNodeHeaders } from "./lib/node-headers.mjs";
import { formatDuration, runStep } from "./lib/run-step.mjs";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ci = process.argv.includes("--ci") || Boolean(process.env.CI);
const REQUIRED_MAJOR = 24;

function fail(message) {
  console.error(`\nbootstrap: ${message}`);
  process.exit(1);
}

const major = Number(process.versions.node.split(".")[0]);
if (major < REQUIRED_MAJOR)
  fail(
    `Node ${process.versions.node} is too old: Bazaar needs Node ${REQUIRED_MAJOR} (the active LTS) or newer.\n` +
      `Install it with your version manager (nvm install ${REQUIRED_MAJOR}, fnm, volta, brew), or from the npm registry:\n` +
      `  npm install -g node@${REQUIRED_MAJOR}     (then open a new shell and check: node --version)`,
  );

const started = Date.now();
const env = { ...process.env };
// A native build (better-sqlite3 from source, on a platform it ships no binary for) needs this Node's
// headers: point node-gyp at the ones installed with Node (a `nodedir` in ~/.npmrc for another version is
// overridden), so it neither downloads them nor builds for another Node.
const headers = findNodeHeaders();
if (headers) {
  env.npm_config_nodedir = headers;
  console.log(`bootstrap: Node ${process.versions.node}, headers for native builds in ${headers}`);
} else {
  console.log(`bootstrap: Node ${process.versions.node} (no local headers: a native build downloads them)`);
}

/** Whether the SQLite addon opens a database in this Node (as the kit would load it). */
function sqliteLoads() {
  const probe = "const Database = require('better-sqlite3'); new Database(':memory:').close();";
  return (
    spawnSync(process.execPath, ["-e", probe], {
      cwd: join(root, "packages", "service-kit"),
      env,
      stdio: "ignore",
    }).status === 0
  );
}

try {
  await runStep({
    title: "Installing dependencies (pnpm)",
    command: "pnpm",
    args: ci ? ["install", "--frozen-lockfile"] : ["install"],
    cwd: root,
    env,
  });
  // pnpm does not rebuild an addon when only Node changed (a switch to Node 24 in the same clone): the old
  // binary would fail at the first query with "compiled against a different Node.js version".
  if (!sqliteLoads()) {
    await runStep({
      title: `Rebuilding better-sqlite3 for Node ${process.versions.node} (it was built for another Node)`,
      command: "pnpm",
      args: ["rebuild", "better-sqlite3"],
      cwd: root,
      env,
    });
    if (!sqliteLoads()) fail("better-sqlite3 still does not load in this Node: see the build output above");
  }
  await runStep({
    title:
      "Providing nats-server and the nats CLI (found, or built with go install: a few minutes the first time)",
    command: "pnpm",
    args: ["--silent", "--filter", "@bazaar/nats-tools", "run", "cli", "install"],
    cwd: root,
    env,
    quietAfterMs: 15_000,
  });
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

console.log(`
bootstrap: ready in ${formatDuration(Date.now() - started)}. Next:

  pnpm dev     start everything (the console at http://127.0.0.1:3100; Ctrl-C stops it)
  pnpm test    lint, type-check and test every package (in another terminal)
`);
