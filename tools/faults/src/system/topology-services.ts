import { existsSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot } from "@bazaar/nats-tools";
import { topology } from "../../../../topology.js";

/** A service of the system as the suite runs it. */
export interface TopologyService {
  readonly name: string;
  readonly packageName: string;
  /** `services/<name>` in the workspace. */
  readonly dir: string;
  /** It owns a SQLite file (it ships drizzle migrations). */
  readonly usesSqlite: boolean;
  /** It declares invariants of its own (`src/invariants.ts`). */
  readonly hasInvariants: boolean;
}

/**
 * `topologyServices` is every service of `topology.ts`, in its order: the suite starts, kills and checks
 * exactly these, so a service added there is covered without touching the suite.
 */
export function topologyServices(root: string = findRepoRoot()): TopologyService[] {
  return topology.services.map((s) => {
    const dir = join(root, "services", s.name);
    return {
      name: s.name,
      packageName: s.package,
      dir,
      usesSqlite: existsSync(join(dir, "drizzle")),
      hasInvariants: existsSync(join(dir, "src", "invariants.ts")),
    };
  });
}
