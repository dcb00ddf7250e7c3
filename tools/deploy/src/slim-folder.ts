import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { WORKSPACE_FILE } from "./commands.js";
import { ADDON_LEFTOVERS, loadedAddon } from "./sqlite-addon.js";

/** The better-sqlite3 package folders inside a deploy folder (one per version; normally one). */
export function betterSqlite3Dirs(dir: string): string[] {
  const store = join(dir, "node_modules", ".pnpm");
  if (!existsSync(store)) return [];
  return readdirSync(store)
    .filter((entry) => entry.startsWith("better-sqlite3@"))
    .map((entry) => join(store, entry, "node_modules", "better-sqlite3"))
    .filter((pkg) => existsSync(pkg));
}

/**
 * `slimDeployFolder` removes what a deploy folder carries but never runs: better-sqlite3's sources, build
 * output and the prebuilt binaries of other platforms (only the addon `loadedAddon` names is loaded), and
 * pnpm's workspace file. It only deletes or renames entries, so files hard-linked from pnpm's store are
 * never modified. Keep it in step with `slimShell`, its Dockerfile twin (a test compares them).
 */
export function slimDeployFolder(dir: string): void {
  rmSync(join(dir, WORKSPACE_FILE), { force: true });
  for (const pkg of betterSqlite3Dirs(dir)) {
    const keep = loadedAddon(pkg);
    if (!keep) continue;
    const kept = join(pkg, "addon.node");
    renameSync(join(pkg, keep), kept);
    for (const leftover of ADDON_LEFTOVERS) rmSync(join(pkg, leftover), { recursive: true, force: true });
    mkdirSync(dirname(join(pkg, keep)), { recursive: true });
    renameSync(kept, join(pkg, keep));
  }
}
