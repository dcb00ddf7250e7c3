#!/usr/bin/env node
// `pnpm dev`: NATS, the streams, every service (hot reload) and the console, with one banner.
// `pnpm dev:monolith` runs the same services in one process. `pnpm dev:reset` wipes local data.
import { rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { findRepoRoot, NatsToolsError, startDevNats } from "@bazaar/nats-tools";
import { topology } from "../../../topology.js";
import { banner } from "./banner.js";
import { startConsole } from "./console-server.js";
import { isPortFree } from "./ports.js";
import type { RunMode } from "./service-env.js";
import { ensureAllStreams } from "./streams.js";
import { startSystem } from "./system.js";

const root = findRepoRoot();
const dataDir = join(root, ".data");

/** `<NAME>_PORT` overrides a service's port, e.g. GATEWAY_PORT=3010. */
function portsFromEnv(): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const s of topology.services) {
    const value = process.env[`${s.name.replace(/-/g, "_").toUpperCase()}_PORT`];
    ports[s.name] = value ? Number(value) : s.port;
  }
  return ports;
}

async function start(mode: RunMode, watch: boolean): Promise<number> {
  const ports = portsFromEnv();
  const consolePort = Number(process.env.CONSOLE_PORT ?? topology.console.port);
  for (const [name, port] of [...Object.entries(ports), ["console", consolePort] as const]) {
    if (!(await isPortFree(port))) {
      const variable = `${name.replace(/-/g, "_").toUpperCase()}_PORT`;
      console.error(
        `port ${port} (${name}) is taken. Stop whatever uses it, or choose another port: ${variable}=${port + 10} pnpm dev`,
      );
      return 1;
    }
  }
  const nats = await startDevNats({
    url: process.env.NATS_URL ?? topology.nats.url,
    storeDir: join(dataDir, "nats"),
    syncInterval: process.env.NATS_SYNC_INTERVAL || undefined,
    log: (line) => console.log(`nats          | ${line}`),
  });
  let system: Awaited<ReturnType<typeof startSystem>> | undefined;
  let consoleServer: Awaited<ReturnType<typeof startConsole>> | undefined;
  try {
    const created = await ensureAllStreams(nats.url);
    if (created.length > 0) console.log(`nats          | streams ensured: ${created.join(", ")}`);
    system = await startSystem({
      mode,
      natsUrl: nats.url,
      dataDir,
      nodeEnv: "development",
      ports,
      watch,
      env: { LOG_FORMAT: "pretty", ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}) },
      onLine: (_service, line) => console.log(line),
    });
    consoleServer = await startConsole({ port: consolePort, gatewayUrl: system.url("gateway") });
    console.log(
      banner({
        mode,
        natsUrl: nats.url,
        natsReused: nats.reused,
        natsContext: nats.context.written
          ? 'context "bazaar" selected: nats stream ls'
          : nats.context.command,
        gatewayUrl: system.url("gateway"),
        consoleUrl: consoleServer.url,
        admin: {
          email: process.env.ADMIN_EMAIL ?? "admin@bazaar.local",
          password: process.env.ADMIN_PASSWORD ?? "bazaar-admin-dev",
        },
        customer: {
          email: process.env.CUSTOMER_EMAIL ?? "customer@bazaar.local",
          password: process.env.CUSTOMER_PASSWORD ?? "bazaar-customer-dev",
        },
      }),
    );
    await new Promise<void>((resolve) => {
      // tsx relays the terminal's signal to this process too, so the same Ctrl-C can arrive twice: the first
      // starts the orderly stop, repeats are ignored (a listener must stay, or Node would exit at once).
      let stopping = false;
      const onSignal = (): void => {
        if (stopping) return;
        stopping = true;
        resolve();
      };
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
    });
    console.log("\nstopping…");
  } finally {
    // Also after a failed start: nothing this run started is left running (the broker last).
    await consoleServer?.stop();
    await system?.stop();
    await nats.stop();
  }
  console.log("stopped; data kept in .data/ (pnpm dev:reset wipes it)");
  return 0;
}

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: { mode: { type: "string" }, "no-watch": { type: "boolean" } },
  });
  const command = positionals[0] ?? "start";
  if (command === "reset") {
    rmSync(dataDir, { recursive: true, force: true });
    console.log(`removed ${dataDir}`);
    return 0;
  }
  const mode = (values.mode ?? process.env.BAZAAR_MODE ?? "processes") as RunMode;
  if (mode !== "processes" && mode !== "monolith") {
    console.error(`--mode must be "processes" or "monolith", not "${mode}"`);
    return 2;
  }
  // In one process there is nothing to restart per service: hot reload is for processes mode.
  return start(mode, mode === "processes" && !values["no-watch"]);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof NatsToolsError ? err.message : err);
    process.exit(1);
  },
);
