/**
 * The command lines that turn the workspace into one service's deploy folder. `deployService` runs them
 * and the Dockerfiles are generated from them, so the image is built exactly like the folder the tests
 * start. Each is `[command, ...args]`, run from the repo root.
 */

/** Compiles the service and every workspace package it depends on (turbo orders and caches them). */
export function buildCommand(packageName: string): readonly string[] {
  return ["pnpm", "turbo", "run", "build", `--filter=${packageName}...`];
}

/**
 * Copies the service with its production dependencies into `outDir`: workspace packages are copied as
 * packages (their `files`, hence their built `dist`), others hard-linked from the store, the native addon
 * included. It does not build; `buildCommand` goes first. `pnpm pm deploy` is pnpm's built-in: every
 * service has a `deploy` script (for `turbo run deploy`), and a same-named script wins over `pnpm deploy`.
 */
export function deployCommand(packageName: string, outDir: string): readonly string[] {
  return ["pnpm", "pm", "deploy", `--filter=${packageName}`, "--prod", outDir];
}

/** Where pnpm puts better-sqlite3 inside a deploy folder (it is a dependency of the kit, not of the service). */
export const BETTER_SQLITE3_GLOB = "node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3";
/** The one file of better-sqlite3's build that runs; the rest of `build/` is compiler output. */
export const ADDON_PATH = "build/Release/better_sqlite3.node";
/** better-sqlite3's C++ and SQLite sources, only needed to compile the addon. */
export const ADDON_SOURCES = ["deps", "src"] as const;
/** pnpm writes it with a relative path back to the workspace's patches; nothing in the folder reads it. */
export const WORKSPACE_FILE = "pnpm-workspace.yaml";

/**
 * `slimShell` is `slimDeployFolder` as a POSIX shell line, for the Dockerfile: keep better-sqlite3's
 * compiled addon, drop its sources and object files (about 15 MB), drop the workspace file.
 */
export function slimShell(dir: string): string {
  const pkg = '"$pkg"';
  return [
    `cd ${dir}`,
    `rm -f ${WORKSPACE_FILE}`,
    `for pkg in ${BETTER_SQLITE3_GLOB}; do ` +
      [
        `mv ${pkg}/${ADDON_PATH} ${pkg}/addon.node`,
        `rm -rf ${pkg}/build ${ADDON_SOURCES.map((s) => `${pkg}/${s}`).join(" ")}`,
        `mkdir -p ${pkg}/${ADDON_PATH.split("/").slice(0, -1).join("/")}`,
        `mv ${pkg}/addon.node ${pkg}/${ADDON_PATH}`,
      ].join(" && ") +
      "; done",
  ].join(" && ");
}
