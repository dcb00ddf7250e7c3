import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { freePort } from "@bazaar/testing";
import { startStages, stopStages } from "@bazaar/topology";
import { type Broker, createBroker } from "./broker.js";
import type { ExitStatus, ManagedProcess } from "./managed-process.js";
import { startMonolith } from "./monolith.js";
import { GATEWAY, serviceEnv } from "./service-env.js";
import { type ServiceProcess, serviceProcess } from "./service-process.js";
import { ensureStreams } from "./streams.js";
import type { TopologyService } from "./topology-services.js";

/** `processes`: one `node dist/main.js` per service; `monolith`: every service's build in one process. */
export type RunMode = "processes" | "monolith";

/** The production build a harness runs: the repository, the registry's services, each one's deploy folder. */
export interface ProductionBuild {
  readonly root: string;
  readonly services: readonly TopologyService[];
  /** Each service's deploy folder (`deployFolders`). */
  readonly folders: ReadonlyMap<string, string>;
}

export interface SystemOptions extends ProductionBuild {
  /** Who runs the system (`faults`, `bench`): it names the harness's own broker connections. */
  readonly harness: string;
  /** The system's folder: `data/<service>`, `nats/<node>`, `logs/`. */
  readonly dir: string;
  /** Default `processes`. */
  readonly mode?: RunMode;
  /** Default 1. */
  readonly natsNodes?: 1 | 3;
  /** JetStream's `sync_interval` (default `always`, production's). */
  readonly syncInterval?: string;
  /** Settings for every service, on top of the production environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Settings per service, on top of `env`. */
  readonly envFor?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** A service exited by itself (processes mode). */
  readonly onUnexpectedExit?: (service: string, status: ExitStatus, tail: string) => void;
  /** Restart a service that exited by itself this long after, as an orchestrator would (default: never). */
  readonly restartAfterMs?: number;
  /** How long each start stage (or the whole monolith) may take to be ready; default 60 s. */
  readonly readyTimeoutMs?: number;
  /**
   * Instances of each partitioned service (processes mode), each with a data folder of its own (its
   * volume): `<service>` is the first, `<service>-1` the second, and so on. Default 1.
   */
  readonly instances?: number;
  /** `PARTITIONS` for every service; default 1, or 8 with more than one instance. */
  readonly partitions?: number;
}

export interface SystemUnderTest {
  readonly broker: Broker;
  readonly services: readonly TopologyService[];
  readonly mode: RunMode;
  readonly gatewayUrl: string;
  /** A service's own process, or one instance's (`payments-1`) (processes mode only). */
  process(name: string): ServiceProcess;
  /** A service's processes: itself, or each of its instances (`payments`, `payments-1`, ...). */
  instances(name: string): string[];
  /** Where a service keeps its SQLite file. */
  dbFile(name: string): string;
  /** Every SQLite file a service keeps: its one file, or each partition's, across its instances' folders. */
  dbFiles(name: string): string[];
  /** Milliseconds from the first service's spawn until every service was ready (NaN before `start()`). */
  readonly readyMs: number;
  /** Process id per process: each service (processes mode) or `bazaar` (monolith), and `nats` (the first node). */
  pids(): Record<string, number>;
  /** Broker, streams, then the services stage by stage (the registry's); resolves when every one is ready. */
  start(): Promise<void>;
  /** Every service gracefully (the registry's stages in reverse: the gateway first), then the broker. */
  stop(): Promise<void>;
}

/** Where one service lives in this system: its deploy folder, port, environment and URL. */
interface ServiceLayout {
  readonly name: string;
  readonly folder: string;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  readonly url: string;
}

const DEFAULT_READY_TIMEOUT_MS = 60_000;
const MONOLITH_STOP_GRACE_MS = 15_000;

/**
 * `createSystem` lays out the production build as it ships: a nats-server (or a cluster) with the broker's
 * users, every stream, then every service from its deploy folder with `NODE_ENV=production` and its own
 * broker user, as its own process or all in one (`mode`). Ports, folders and environments are fixed here;
 * nothing runs until `start()`.
 *
 * @example
 * const system = await createSystem({ root, harness: "faults", services, folders, dir });
 * await system.start();
 * try { await fetch(`${system.gatewayUrl}/health/ready`); } finally { await system.stop(); }
 */
export async function createSystem(options: SystemOptions): Promise<SystemUnderTest> {
  const { mode = "processes", readyTimeoutMs = DEFAULT_READY_TIMEOUT_MS } = options;
  const broker = await createBroker({
    harness: options.harness,
    nodes: options.natsNodes ?? 1,
    dir: join(options.dir, "nats"),
    logDir: join(options.dir, "logs"),
    ...(options.syncInterval ? { syncInterval: options.syncInterval } : {}),
  });
  const logDir = join(options.dir, "logs");
  const dataDir = (name: string) => join(options.dir, "data", name);
  const instances = options.instances ?? 1;
  if (instances > 1 && mode === "monolith") throw new Error("instances above 1 need processes mode");
  const partitions = options.partitions ?? (instances > 1 ? 8 : 1);
  const layout = new Map<string, ServiceLayout>();
  const instancesOf = new Map<string, string[]>();
  for (const s of options.services) {
    const folder = options.folders.get(s.name);
    if (!folder) throw new Error(`no deploy folder for ${s.name}`);
    const count = s.partitioned ? instances : 1;
    const names: string[] = [];
    for (let ordinal = 0; ordinal < count; ordinal++) {
      const name = ordinal === 0 ? s.name : `${s.name}-${ordinal}`;
      const port = await freePort();
      const extra = {
        ...(partitions > 1 ? { PARTITIONS: String(partitions) } : {}),
        ...options.env,
        ...options.envFor?.[s.name],
        ...(count > 1
          ? { INSTANCES: String(count), ORDINAL: String(ordinal), INSTANCE_ID: `${s.name}-${ordinal}` }
          : {}),
      };
      const env = serviceEnv({
        root: options.root,
        name: s.name,
        port,
        dataDir: dataDir(name),
        broker,
        extra,
      });
      layout.set(name, { name, folder, port, env, url: `http://127.0.0.1:${port}` });
      names.push(name);
    }
    instancesOf.set(s.name, names);
  }
  const namesOf = (service: string): string[] => instancesOf.get(service) ?? [service];
  const layoutOf = (name: string): ServiceLayout => {
    const entry = layout.get(name);
    if (!entry) throw new Error(`no service ${name} in the topology`);
    return entry;
  };
  const processes = new Map<string, ServiceProcess>();
  let stopping = false;
  const restartLater = (name: string, afterMs: number): void => {
    setTimeout(() => {
      const proc = processes.get(name);
      if (stopping || !proc || proc.running) return;
      proc.start().catch(() => {});
    }, afterMs);
  };
  if (mode === "processes")
    for (const { name, folder, port, env } of layout.values())
      processes.set(
        name,
        serviceProcess({
          name,
          folder,
          port,
          logDir,
          env,
          onUnexpectedExit: (status, tail) => {
            options.onUnexpectedExit?.(name, status, tail);
            if (options.restartAfterMs !== undefined) restartLater(name, options.restartAfterMs);
          },
        }),
      );
  const get = (name: string): ServiceProcess => {
    const proc = processes.get(name);
    if (!proc) throw new Error(`no process of its own for ${name} (${mode} mode)`);
    return proc;
  };
  let monolith: ManagedProcess | undefined;
  let readyMs = Number.NaN;
  return {
    broker,
    services: options.services,
    mode,
    gatewayUrl: layoutOf(GATEWAY).url,
    process: get,
    instances: namesOf,
    dbFile: (name) => join(dataDir(name), `${name}.db`),
    dbFiles: (name) => {
      const partitioned = options.services.find((s) => s.name === name)?.partitioned && partitions > 1;
      if (!partitioned) return [join(dataDir(name), `${name}.db`)];
      const pattern = new RegExp(`^${name}\\.p\\d+\\.db$`);
      return namesOf(name).flatMap((n) =>
        existsSync(dataDir(n))
          ? readdirSync(dataDir(n))
              .filter((f) => pattern.test(f))
              .map((f) => join(dataDir(n), f))
          : [],
      );
    },
    get readyMs() {
      return readyMs;
    },
    pids() {
      const pids: Record<string, number> = {};
      if (monolith) pids.bazaar = monolith.pid;
      for (const [name, proc] of processes) pids[name] = proc.pid;
      pids.nats = broker.nodes[0]?.pid ?? -1;
      return pids;
    },
    async start() {
      await broker.start();
      await broker.jetStreamReady(30_000);
      await ensureStreams(broker);
      const started = performance.now();
      if (mode === "processes") {
        // Each stage starts together once the one before it is ready (the gateway last: it fetches the
        // users service's keys when it starts).
        for (const stage of startStages(options.services)) {
          const procs = stage.flatMap((s) => namesOf(s.name).map(get));
          await Promise.all(procs.map((p) => p.start()));
          await Promise.all(procs.map((p) => p.ready(readyTimeoutMs)));
        }
      } else {
        const launched = startMonolith({
          stages: startStages(options.services).map((stage) => stage.map((s) => layoutOf(s.name))),
          dir: options.dir,
          logDir,
          readyTimeoutMs,
        });
        monolith = launched.process;
        await launched.ready();
      }
      readyMs = performance.now() - started;
    },
    async stop() {
      stopping = true;
      if (monolith) await monolith.stop(MONOLITH_STOP_GRACE_MS);
      for (const stage of stopStages(options.services))
        await Promise.all(stage.flatMap((s) => namesOf(s.name).map((n) => processes.get(n)?.stop())));
      await broker.stop();
    },
  };
}

/** `startSystem` is `createSystem` then `start()`: the system, running and ready. */
export async function startSystem(options: SystemOptions): Promise<SystemUnderTest> {
  const system = await createSystem(options);
  await system.start();
  return system;
}
