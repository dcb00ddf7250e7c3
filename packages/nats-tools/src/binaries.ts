import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { NatsServerUnusableError } from "./errors.js";
import { localBinDir } from "./paths.js";
import { compareVersions, MINIMUM_SERVER_VERSION, parseVersion } from "./versions.js";

export type BinarySource = "env" | "local" | "path";

/** A binary that was found and answered `--version`. */
export interface FoundBinary {
  readonly path: string;
  readonly version: string;
  readonly source: BinarySource;
}

/** A binary that was found but cannot be used, with the reason. */
export interface RejectedBinary {
  readonly path: string;
  readonly version: string | undefined;
  readonly source: BinarySource;
  readonly reason: string;
}

export interface Lookup {
  readonly found: FoundBinary | undefined;
  readonly rejected: readonly RejectedBinary[];
}

export interface FindOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly binDir?: string;
}

const exe = process.platform === "win32" ? ".exe" : "";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name + exe);
    if (existsSync(candidate) && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** `readVersion` runs `<bin> --version` and returns the `x.y.z` it prints, or undefined. */
export function readVersion(path: string): string | undefined {
  try {
    const out = execFileSync(path, ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 10_000,
    });
    return parseVersion(out);
  } catch {
    return undefined;
  }
}

function candidates(
  name: string,
  envVar: string,
  options: FindOptions,
): Array<{ path: string; source: BinarySource }> {
  const env = options.env ?? process.env;
  const list: Array<{ path: string; source: BinarySource }> = [];
  const fromEnv = env[envVar];
  if (fromEnv) list.push({ path: fromEnv, source: "env" });
  const local = join(options.binDir ?? localBinDir(), name + exe);
  if (existsSync(local)) list.push({ path: local, source: "local" });
  const fromPath = onPath(name, env);
  if (fromPath) list.push({ path: fromPath, source: "path" });
  return list;
}

/**
 * `findNatsServer` looks for nats-server in `NATS_SERVER_BIN`, then the project's `.bin`, then `PATH`,
 * and returns the first one at least `MINIMUM_SERVER_VERSION`, with every rejected candidate and why.
 * An explicit `NATS_SERVER_BIN` that is unusable is an error, never silently skipped.
 */
export function findNatsServer(options: FindOptions = {}): Lookup {
  const rejected: RejectedBinary[] = [];
  for (const c of candidates("nats-server", "NATS_SERVER_BIN", options)) {
    const version = existsSync(c.path) ? readVersion(c.path) : undefined;
    let reason: string | undefined;
    if (!existsSync(c.path)) reason = "does not exist";
    else if (!version) reason = "did not answer --version";
    else if (compareVersions(version, MINIMUM_SERVER_VERSION) < 0)
      reason = `version ${version} is older than ${MINIMUM_SERVER_VERSION}`;
    if (reason) {
      if (c.source === "env") {
        throw new NatsServerUnusableError(`NATS_SERVER_BIN=${c.path} is not usable: ${reason}`);
      }
      rejected.push({ path: c.path, version, source: c.source, reason });
      continue;
    }
    return { found: { path: c.path, version: version as string, source: c.source }, rejected };
  }
  return { found: undefined, rejected };
}

/** `findNatsCli` looks for the `nats` CLI in `NATS_CLI_BIN`, then `.bin`, then `PATH`. */
export function findNatsCli(options: FindOptions = {}): Lookup {
  const rejected: RejectedBinary[] = [];
  for (const c of candidates("nats", "NATS_CLI_BIN", options)) {
    const version = existsSync(c.path) ? readVersion(c.path) : undefined;
    if (!version) {
      rejected.push({ path: c.path, version, source: c.source, reason: "did not answer --version" });
      continue;
    }
    return { found: { path: c.path, version, source: c.source }, rejected };
  }
  return { found: undefined, rejected };
}

/** `describeLookup` is the one-paragraph answer to "which nats-server will be used, and why". */
export function describeLookup(what: string, lookup: Lookup): string {
  const lines: string[] = [];
  if (lookup.found) {
    lines.push(
      `${what}: ${lookup.found.path} (v${lookup.found.version}, from ${sourceLabel(lookup.found.source)})`,
    );
  } else {
    lines.push(`${what}: not found`);
  }
  for (const r of lookup.rejected) {
    lines.push(`  skipped ${r.path} (from ${sourceLabel(r.source)}): ${r.reason}`);
  }
  return lines.join("\n");
}

function sourceLabel(source: BinarySource): string {
  return source === "env" ? "environment variable" : source === "local" ? "project .bin" : "PATH";
}
