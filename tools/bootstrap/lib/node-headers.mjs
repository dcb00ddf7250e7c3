// Where the running Node keeps the C headers node-gyp needs to build better-sqlite3, so the build never
// downloads them (machines without access to nodejs.org) and never uses another Node's (a mismatched
// `nodedir` in ~/.npmrc builds an addon the running Node refuses to load).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/**
 * The version a headers folder is for, from `include/node/node_version.h`; undefined when it has none.
 * @param {string} dir
 * @returns {string | undefined}
 */
export function headersVersion(dir) {
  let text;
  try {
    text = readFileSync(join(dir, "include", "node", "node_version.h"), "utf8");
  } catch {
    return undefined;
  }
  const part = (name) =>
    /** @type {RegExpExecArray | null} */ (new RegExp(`#define NODE_${name}_VERSION (\\d+)`).exec(text))?.[1];
  const [major, minor, patch] = [part("MAJOR"), part("MINOR"), part("PATCH")];
  return major && minor && patch ? `${major}.${minor}.${patch}` : undefined;
}

/**
 * `findNodeHeaders` looks where installations keep them: `<prefix>/include/node` (the official tarballs,
 * Debian's nodejs, nvm), and, for the `node` package from the npm registry (`npm install -g node@24`),
 * its `node-<platform>-<arch>` package next to the binary. Only headers of exactly this version count.
 * @param {{ execPath?: string; version?: string; platform?: string; arch?: string }} [options]
 * @returns {string | undefined} a folder to use as `npm_config_nodedir`
 */
export function findNodeHeaders(options = {}) {
  const execPath = options.execPath ?? process.execPath;
  const version = options.version ?? process.versions.node;
  const arch = `${options.platform ?? process.platform}-${options.arch ?? process.arch}`;
  const prefix = resolve(dirname(execPath), "..");
  const candidates = [
    prefix,
    join(prefix, "node_modules", `node-${arch}`),
    // npm links the binary from <lib>/node_modules/node/bin; the package is under that one's node_modules.
    join(prefix, "lib", "node_modules", "node", "node_modules", `node-${arch}`),
  ];
  return candidates.find((dir) => existsSync(dir) && headersVersion(dir) === version);
}
