import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * `findRepoRoot` walks up from `start` to the folder holding `pnpm-workspace.yaml`.
 * Tools anchor to the repo, never to the working directory, so they work from any package.
 */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** The git-ignored folder where provisioning installs nats-server and the nats CLI. */
export function localBinDir(root: string = findRepoRoot()): string {
  return join(root, ".bin");
}

/** The git-ignored folder for local data (JetStream store, service SQLite files). */
export function localDataDir(root: string = findRepoRoot()): string {
  return join(root, ".data");
}
