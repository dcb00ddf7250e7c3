import { join } from "node:path";
import { findRepoRoot } from "@bazaar/nats-tools";
import { type ServiceEntry, services } from "@bazaar/topology";

/** A service of the system as the harness runs it. */
export interface TopologyService {
  readonly name: string;
  readonly packageName: string;
  /** `services/<name>` in the workspace. */
  readonly dir: string;
  /** Its start stage in the registry: a stage starts once the ones before it are ready. */
  readonly stage: number;
  /** It owns a SQLite file (it ships drizzle migrations). */
  readonly usesSqlite: boolean;
  /** It declares invariants of its own (`<package>/invariants`). */
  readonly hasInvariants: boolean;
  /** One writer per partition: it may run as several instances, each owning its partitions' files. */
  readonly partitioned: boolean;
}

/**
 * `topologyServices` is every service of the registry (`@bazaar/topology`), in its order: the harnesses start,
 * kill, check and measure exactly these, so a service added there is covered without touching them.
 */
export function topologyServices(root: string = findRepoRoot()): TopologyService[] {
  return services.map((s) => ({
    name: s.name,
    packageName: s.package,
    dir: join(root, s.folder),
    stage: s.stage,
    usesSqlite: s.store === "sqlite",
    hasInvariants: s.invariants,
    partitioned: (s as ServiceEntry).partitioned === true,
  }));
}
