import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join, relative } from "node:path";

/**
 * Where better-sqlite3 finds its native addon, in the order it looks: one compiled on purpose
 * (`node-gyp rebuild`: better-sqlite3 12 always builds, 13 only when asked), else the prebuilt binary for
 * this platform that 13 ships for every platform it supports (`prebuilds/linux-x64.node` …).
 */
export const COMPILED_ADDONS = [
  "build/Debug/better_sqlite3.node",
  "build/Release/better_sqlite3.node",
] as const;

/** What a deploy folder never needs of better-sqlite3: its sources and the other platforms' binaries. */
export const ADDON_LEFTOVERS = ["build", "prebuilds", "deps", "src", "binding.gyp"] as const;

/**
 * The same choice as `loadedAddon`, as a script for `node -e` run in the package's folder (the
 * Dockerfile's slimming step): it prints the addon's path relative to the package, or nothing.
 */
export const ADDON_PROBE = [
  'const fs = require("fs"), path = require("path");',
  `let found = ${JSON.stringify(COMPILED_ADDONS)}.find((f) => fs.existsSync(f));`,
  'if (!found && fs.existsSync("lib/binding.js")) {',
  'const prebuilt = require(path.resolve("lib/binding.js")).getPrebuildPath?.();',
  'if (prebuilt) found = path.relative(".", prebuilt);',
  "}",
  'process.stdout.write(found ?? "");',
].join(" ");

/**
 * `loadedAddon` is the addon better-sqlite3 in `pkg` loads on this machine, relative to `pkg` (asking the
 * package itself which prebuilt binary fits, musl or glibc), or undefined when it has none.
 */
export function loadedAddon(pkg: string): string | undefined {
  const compiled = COMPILED_ADDONS.find((rel) => existsSync(join(pkg, rel)));
  if (compiled) return compiled;
  const binding = join(pkg, "lib", "binding.js");
  if (!existsSync(binding)) return undefined;
  const { getPrebuildPath } = createRequire(import.meta.url)(binding) as {
    getPrebuildPath?: () => string | null;
  };
  const prebuilt = getPrebuildPath?.();
  return prebuilt ? relative(pkg, prebuilt) : undefined;
}
