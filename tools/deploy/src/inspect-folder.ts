import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { SERVICE_START_COMMAND } from "@bazaar/service-kit/platform";
import type { ServiceInfo } from "./repo.js";
import { betterSqlite3Dirs } from "./slim-folder.js";
import { loadedAddon } from "./sqlite-addon.js";
import { entryPoints, unreachableFiles } from "./unreachable.js";

/** What a deploy folder holds, for the CLI's summary and the tests. */
export interface FolderReport {
  readonly dir: string;
  /** Bytes of every file (symlinks not followed). */
  readonly bytes: number;
  readonly fileCount: number;
  /** The service's own compiled files, relative to the folder. */
  readonly code: readonly string[];
  readonly migrations: readonly string[];
  /** The SQLite native addon, relative to the folder, if present. */
  readonly nativeAddon: string | undefined;
  /** Top-level production dependencies. */
  readonly dependencies: readonly string[];
  /** Everything wrong with it; empty for a folder that can ship. */
  readonly problems: readonly string[];
}

interface Manifest {
  readonly exports?: unknown;
  readonly scripts?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
}

function walk(dir: string, visit: (path: string, bytes: number) => void): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path, visit);
    else visit(path, lstatSync(path).size);
  }
}

function readManifest(path: string): Manifest | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Manifest) : undefined;
}

/** Every `default` target of a package's `exports`: the files Node loads at run time. */
function exportTargets(exportsField: unknown): string[] {
  if (typeof exportsField === "string") return [exportsField];
  if (!exportsField || typeof exportsField !== "object") return [];
  return Object.entries(exportsField).flatMap(([key, value]) => {
    if (typeof value === "string") return key === "default" || key.startsWith(".") ? [value] : [];
    return exportTargets(value);
  });
}

/** Workspace packages copied into the folder must carry their compiled entry points. */
function workspaceProblems(dir: string): string[] {
  const scope = join(dir, "node_modules", ".pnpm");
  if (!existsSync(scope)) return [];
  return readdirSync(scope)
    .filter((entry) => entry.startsWith("@bazaar+"))
    .flatMap((entry) => {
      const name = entry.slice(0, entry.indexOf("@", 1)).replace("+", "/");
      const pkgDir = join(scope, entry, "node_modules", name);
      const manifest = readManifest(join(pkgDir, "package.json"));
      return exportTargets(manifest?.exports)
        .filter((target) => !existsSync(join(pkgDir, target)))
        .map((target) => `${name} lacks ${target}: build it first and list "dist" in its "files"`);
    });
}

/**
 * `inspectDeployFolder` checks that `dir` can ship `service`: `npm start` runs `node dist/main.js`, the
 * compiled code, its migrations and the SQLite addon are there, workspace packages carry their `dist`, and
 * there is nothing it does not run (TypeScript sources, tests, dev dependencies).
 */
export function inspectDeployFolder(dir: string, service: ServiceInfo): FolderReport {
  const problems: string[] = [];
  let bytes = 0;
  let fileCount = 0;
  const own: string[] = [];
  walk(dir, (path, size) => {
    bytes += size;
    fileCount++;
    const rel = relative(dir, path);
    if (rel.startsWith("node_modules")) return;
    own.push(rel);
    if (/\.(c|m)?ts$/.test(rel) && !rel.endsWith(".d.ts")) problems.push(`TypeScript source shipped: ${rel}`);
    if (/\.test\.(js|ts)$/.test(rel)) problems.push(`test shipped: ${rel}`);
  });

  const manifest = readManifest(join(dir, "package.json"));
  if (!manifest) problems.push("no package.json");
  else if (manifest.scripts?.start !== SERVICE_START_COMMAND)
    problems.push(`"start" is ${JSON.stringify(manifest.scripts?.start)}, not "${SERVICE_START_COMMAND}"`);
  if (!existsSync(join(dir, "dist", "main.js"))) problems.push("no dist/main.js");
  for (const file of unreachableFiles(dir, entryPoints(dir, manifest ?? {}))) {
    problems.push(`${file} is shipped but nothing imports it: exclude it from tsconfig.build.json`);
  }
  if (existsSync(join(dir, "src"))) problems.push("src/ shipped");

  const migrations = own.filter((rel) => rel.startsWith("drizzle") && rel.endsWith(".sql")).sort();
  if (service.usesSqlite) {
    if (!existsSync(join(dir, "drizzle", "meta", "_journal.json")))
      problems.push('no drizzle/meta/_journal.json: list "drizzle" in the service\'s "files"');
    if (migrations.length === 0) problems.push("no drizzle/*.sql migrations");
  }

  const addon = betterSqlite3Dirs(dir)
    .map((pkg) => {
      const rel = loadedAddon(pkg);
      return rel ? join(pkg, rel) : undefined;
    })
    .find((path) => path !== undefined);
  if (service.usesSqlite && !addon)
    problems.push(
      "no better-sqlite3 native addon for this platform (prebuilds/<platform>.node or build/Release)",
    );

  const modules = join(dir, "node_modules");
  const installed = existsSync(modules)
    ? readdirSync(modules)
        .filter((entry) => !entry.startsWith("."))
        .flatMap((entry) =>
          entry.startsWith("@") ? readdirSync(join(modules, entry)).map((n) => `${entry}/${n}`) : [entry],
        )
        .sort()
    : [];
  // The copied package.json has its devDependencies emptied: the workspace's says what must be absent.
  const store = existsSync(join(modules, ".pnpm")) ? readdirSync(join(modules, ".pnpm")) : [];
  for (const dev of Object.keys(readManifest(join(service.dir, "package.json"))?.devDependencies ?? {})) {
    const stored = store.some((entry) => entry.startsWith(`${dev.replace("/", "+")}@`));
    if (installed.includes(dev) || stored) problems.push(`dev dependency installed: ${dev}`);
  }
  problems.push(...workspaceProblems(dir));

  return {
    dir,
    bytes,
    fileCount,
    code: own.filter((rel) => rel.startsWith("dist")).sort(),
    migrations,
    nativeAddon: addon ? relative(dir, addon) : undefined,
    dependencies: installed,
    problems,
  };
}
