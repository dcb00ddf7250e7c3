import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { ServiceEntry } from "./topology.js";

interface PackageJson {
  readonly name?: string;
  readonly exports?: Record<string, unknown>;
  readonly scripts?: Record<string, string>;
}

function readPackage(root: string, folder: string): PackageJson | undefined {
  const file = join(root, folder, "package.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PackageJson) : undefined;
}

/**
 * `registryProblems` compares the registry with the repo at `root`: every folder under `services/` must be
 * listed and every entry must have its folder, its package must be the one named, and each declared fact
 * must be true of the folder. Each problem is one sentence; none means they agree.
 */
export function registryProblems(root: string, list: readonly ServiceEntry[]): string[] {
  const problems: string[] = [];
  const onDisk = readdirSync(join(root, "services"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  for (const name of onDisk)
    if (!list.some((s) => s.folder === `services/${name}`))
      problems.push(`services/${name} is not in the registry (packages/topology/src/topology.ts)`);
  for (const s of list) {
    if (s.folder !== `services/${s.name}`) problems.push(`${s.name}: its folder must be services/${s.name}`);
    const pkg = readPackage(root, s.folder);
    if (!pkg) {
      problems.push(`${s.name}: the registry lists it, but ${s.folder}/package.json does not exist`);
      continue;
    }
    if (pkg.name !== s.package) problems.push(`${s.name}: ${s.folder} holds ${pkg.name}, not ${s.package}`);
    const exported = Object.keys(pkg.exports ?? {});
    if (!exported.includes("./service")) problems.push(`${s.name}: ${s.package} exports no ./service`);
    if (pkg.scripts?.start === undefined) problems.push(`${s.name}: ${s.package} has no start script`);
    const drizzle = existsSync(join(root, s.folder, "drizzle"));
    if ((s.store === "sqlite") !== drizzle)
      problems.push(
        `${s.name}: store is ${s.store}, but ${s.folder}/drizzle ${drizzle ? "exists" : "does not"}`,
      );
    if (s.invariants !== exported.includes("./invariants"))
      problems.push(
        `${s.name}: invariants is ${s.invariants}, but ${s.package} ${s.invariants ? "does not export" : "exports"} ./invariants`,
      );
    const contracts = existsSync(join(root, "packages", "contracts", "src", s.name));
    if (s.contracts !== contracts)
      problems.push(
        `${s.name}: contracts is ${s.contracts}, but packages/contracts/src/${s.name} ${contracts ? "exists" : "does not"}`,
      );
  }
  return problems;
}
