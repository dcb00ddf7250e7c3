import type { Service, ServiceEntry } from "@bazaar/topology";
import { serviceEnv } from "./service-env.js";

/** One process (or in-process service) the runner starts: a service, or one instance of a partitioned one. */
export interface Instance {
  /** `payments` for the first instance, `payments-1` for the second, and so on. */
  readonly name: string;
  readonly spec: Service;
  readonly url: string;
  readonly env: Record<string, string>;
}

export interface InstanceLayoutOptions {
  readonly specs: readonly Service[];
  readonly mode: "processes" | "monolith";
  readonly natsUrl: string;
  readonly dataDir: string;
  readonly nodeEnv: "development" | "test";
  readonly ports?: Readonly<Record<string, number>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly envFor?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly instances?: number;
  readonly partitions?: number;
}

/**
 * `instanceLayout` is every instance the runner starts, with its name, URL and whole environment. With
 * `instances` above 1, each partitioned service of the registry runs that many instances, each owning
 * its share of the partitions (`INSTANCES`, `ORDINAL`); every service gets `PARTITIONS`, so callers route
 * to the owners. The instances share the service's data folder: each partition is a file of its own.
 */
export function instanceLayout(o: InstanceLayoutOptions): Instance[] {
  const instances = o.instances ?? 1;
  if (!Number.isInteger(instances) || instances < 1) throw new RangeError("instances must be at least 1");
  if (instances > 1 && o.mode === "monolith")
    throw new Error("more than one instance of a service needs processes mode (--mode processes)");
  const partitions = o.partitions ?? (instances > 1 ? 16 : 1);
  if (instances > partitions) throw new RangeError(`${instances} instances need at least as many partitions`);
  const shared = partitions > 1 ? { PARTITIONS: String(partitions) } : {};
  return o.specs.flatMap((spec) => {
    const count = (spec as ServiceEntry).partitioned ? instances : 1;
    return Array.from({ length: count }, (_, ordinal) => {
      const name = ordinal === 0 ? spec.name : `${spec.name}-${ordinal}`;
      const port = o.ports?.[name] ?? (o.ports?.[spec.name] ?? spec.port) + 100 * ordinal;
      const own =
        count > 1
          ? { INSTANCES: String(count), ORDINAL: String(ordinal), INSTANCE_ID: `${spec.name}-${ordinal}` }
          : {};
      const env = serviceEnv({
        name: spec.name,
        port,
        natsUrl: o.natsUrl,
        dataDir: o.dataDir,
        nodeEnv: o.nodeEnv,
        extra: { ...shared, ...o.env },
        own: { ...o.envFor?.[spec.name], ...own },
      });
      return { name, spec, url: `http://127.0.0.1:${port}`, env };
    });
  });
}
