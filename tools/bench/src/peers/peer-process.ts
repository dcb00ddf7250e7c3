import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ManagedProcess, runCommand, startManagedProcess } from "@bazaar/system-harness";

const BENCH_DIR = fileURLToPath(new URL("../..", import.meta.url));
/** Where `compilePeers` puts the peers' JavaScript (`tsconfig.peers.json`). */
const PEERS_OUT = join(BENCH_DIR, "test-artifacts", "peers");

/** `compilePeers` compiles `src/peers/apps` to plain JavaScript with tsc, once per run. */
export async function compilePeers(): Promise<void> {
  await runCommand({
    command: process.execPath,
    args: [join(BENCH_DIR, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.peers.json"],
    cwd: BENCH_DIR,
  });
}

export interface PeerProcessOptions {
  readonly name: string;
  /** A program of `apps/`, by its compiled name (`moleculer-api.js`). */
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logDir: string;
}

/** `startPeerProcess` runs one compiled peer program as its own `node` process with `NODE_ENV=production`. */
export function startPeerProcess(options: PeerProcessOptions): ManagedProcess {
  return startManagedProcess({
    command: process.execPath,
    args: [join(PEERS_OUT, options.script)],
    cwd: BENCH_DIR,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", ...options.env },
    logFile: join(options.logDir, `${options.name}.log`),
  });
}
