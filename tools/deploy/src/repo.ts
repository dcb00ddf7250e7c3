import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findService as findInRegistry, type ServiceEntry, services } from "@bazaar/topology";
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

/** A deployable service: an entry of the registry (`@bazaar/topology`), with its folder resolved. */
export interface ServiceInfo {
  /** Its name on NATS and in manifests (`users`), which is also its folder's name. */
  readonly name: string;
  /** The package name (`@bazaar/users`). */
  readonly packageName: string;
  readonly dir: string;
  /** It owns a SQLite file (`store: "sqlite"`): it ships drizzle migrations, needs a volume and runs as one writer. */
  readonly usesSqlite: boolean;
  /** One writer per partition (the registry's `partitioned`): a StatefulSet of several pods, each owning its share. */
  readonly partitioned: boolean;
}

function serviceInfo(entry: ServiceEntry, root: string): ServiceInfo {
  return {
    name: entry.name,
    packageName: entry.package,
    dir: join(root, entry.folder),
    usesSqlite: entry.store === "sqlite",
    partitioned: (entry as { partitioned?: boolean }).partitioned === true,
  };
}

interface PackageJson {
  readonly name?: string;
  readonly scripts?: Record<string, string>;
  readonly files?: readonly string[];
}

export function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
}

/**
 * `listServices` is every service of the registry (`@bazaar/topology`), sorted by name so the generated
 * files (manifests, broker permissions) keep their order. The registry's own test fails when a folder under
 * `services/` is missing from it, so a new service is deployed once it is registered.
 */
export function listServices(root: string = findRepoRoot()): ServiceInfo[] {
  return services.map((s) => serviceInfo(s, root)).sort((a, b) => a.name.localeCompare(b.name));
}

/** `findService` accepts `users` or `@bazaar/users` and names the known services when it fails. */
export function findService(name: string, root: string = findRepoRoot()): ServiceInfo {
  return serviceInfo(findInRegistry(name), root);
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
