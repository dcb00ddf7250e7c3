import { ADDON_LEFTOVERS, ADDON_PROBE } from "./sqlite-addon.js";

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

/** The bundler of `dist/main.js`: `deployService` imports it, the Dockerfile runs it with Node's type stripping. */
export const BUNDLER_SOURCE = "tools/deploy/src/bundle/bundle-main.ts";

/** Where pnpm puts better-sqlite3 inside a deploy folder (it is a dependency of the kit, not of the service). */
export const BETTER_SQLITE3_GLOB = "node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3";
/** pnpm writes it with a relative path back to the workspace's patches; nothing in the folder reads it. */
export const WORKSPACE_FILE = "pnpm-workspace.yaml";

/**
 * `slimShell` is `slimDeployFolder` as a POSIX shell line, for the Dockerfile: keep the one native addon
 * better-sqlite3 loads on the image's platform (asked of the package itself, see `ADDON_PROBE`), drop its
 * sources, build output and other platforms' binaries (about 25 MB), drop the workspace file.
 */
export function slimShell(dir: string): string {
  const pkg = '"$pkg"';
  return [
    `cd ${dir}`,
    `rm -f ${WORKSPACE_FILE}`,
    `for pkg in ${BETTER_SQLITE3_GLOB}; do ` +
      [
        `keep="$(cd ${pkg} && node -e '${ADDON_PROBE}')"`,
        '[ -n "$keep" ]',
        `mv "$pkg/$keep" ${pkg}/addon.node`,
        `rm -rf ${ADDON_LEFTOVERS.map((s) => `${pkg}/${s}`).join(" ")}`,
        `mkdir -p "$pkg/$(dirname "$keep")"`,
        `mv ${pkg}/addon.node "$pkg/$keep"`,
      ].join(" && ") +
      "; done",
  ].join(" && ");
}
