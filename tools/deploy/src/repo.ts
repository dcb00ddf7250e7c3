import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/**
 * `findRepoRoot` walks up from `start` to the folder holding `pnpm-workspace.yaml`. The deploy tool anchors
 * every path to the repo, so it gives the same result from any working directory.
 */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${start}`);
  }
}

/** A deployable service: a folder under `services/` whose package has a `start` script. */
export interface ServiceInfo {
  /** The folder name, which is also the service's name on NATS and in manifests (`users`). */
  readonly name: string;
  /** The package name (`@bazaar/users`). */
  readonly packageName: string;
  readonly dir: string;
  /** It owns a SQLite file: it ships drizzle migrations, needs a volume and runs as one writer. */
  readonly usesSqlite: boolean;
}

interface PackageJson {
  readonly name?: string;
  readonly scripts?: Record<string, string>;
  readonly files?: readonly string[];
}

export function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
}

/** `listServices` finds every deployable service, sorted by name, so new services are picked up by themselves. */
export function listServices(root: string = findRepoRoot()): ServiceInfo[] {
  const servicesDir = join(root, "services");
  return readdirSync(servicesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(servicesDir, entry.name, "package.json")))
    .map((entry) => {
      const dir = join(servicesDir, entry.name);
      const pkg = readPackageJson(dir);
      return { entry, dir, pkg };
    })
    .filter(({ pkg }) => pkg.scripts?.start !== undefined)
    .map(({ entry, dir, pkg }) => ({
      name: entry.name,
      packageName: pkg.name ?? `@bazaar/${entry.name}`,
      dir,
      usesSqlite: existsSync(join(dir, "drizzle")),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** `findService` accepts `users` or `@bazaar/users` and names the known services when it fails. */
export function findService(name: string, root: string = findRepoRoot()): ServiceInfo {
  const services = listServices(root);
  const found = services.find((s) => s.name === name || s.packageName === name);
  if (!found) {
    throw new Error(`unknown service "${name}"; services: ${services.map((s) => s.name).join(", ")}`);
  }
  return found;
}

/** `catalogVersion` reads a pinned version from the pnpm catalog, the repo's one list of versions. */
export function catalogVersion(dependency: string, root: string = findRepoRoot()): string {
  const workspace = parse(readFileSync(join(root, "pnpm-workspace.yaml"), "utf8")) as {
    catalog?: Record<string, string>;
  };
  const version = workspace.catalog?.[dependency];
  if (!version) throw new Error(`${dependency} is not in the pnpm catalog`);
  return version;
}
