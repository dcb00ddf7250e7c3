import { join } from "node:path";
import { freePort } from "@bazaar/testing";
import { startStages, stopStages } from "@bazaar/topology";
import { type Broker, createBroker } from "./broker.js";
import type { ExitStatus } from "./managed-process.js";
import { GATEWAY, serviceEnv } from "./service-env.js";
import { type ServiceProcess, serviceProcess } from "./service-process.js";
import { ensureStreams } from "./streams.js";
import type { TopologyService } from "./topology-services.js";

export interface SystemOptions {
  readonly root: string;
  readonly services: readonly TopologyService[];
  /** Each service's deploy folder. */
  readonly folders: ReadonlyMap<string, string>;
  /** The scenario's folder: `data/<service>`, `nats/<node>`, `logs/`. */
  readonly dir: string;
  readonly natsNodes: 1 | 3;
  /** Settings per service for this scenario (on top of the production environment). */
  readonly envFor?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** A service exited by itself; the system restarts it a second later, as an orchestrator would. */
  readonly onUnexpectedExit?: (service: string, status: ExitStatus, tail: string) => void;
}

export interface SystemUnderTest {
  readonly broker: Broker;
  readonly services: readonly TopologyService[];
  readonly gatewayUrl: string;
  process(name: string): ServiceProcess;
  /** Where a service keeps its SQLite file. */
  dbFile(name: string): string;
  /** Broker, streams, then the services stage by stage (the registry's); resolves when every one is ready. */
  start(): Promise<void>;
  /** Every service gracefully (the registry's stages in reverse: the gateway first), then the broker. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

/** `createSystem` lays out the system under test: ports, folders, environments. Nothing runs yet. */
export async function createSystem(options: SystemOptions): Promise<SystemUnderTest> {
  const broker = await createBroker({
    nodes: options.natsNodes,
    dir: join(options.dir, "nats"),
    logDir: join(options.dir, "logs"),
  });
  const processes = new Map<string, ServiceProcess>();
  let stopping = false;
  const restartLater = (name: string): void => {
    setTimeout(() => {
      const proc = processes.get(name);
      if (stopping || !proc || proc.running) return;
      proc.start().catch(() => {});
    }, 1_000);
  };
  const dataDirs = new Map<string, string>();
  for (const service of options.services) {
    const folder = options.folders.get(service.name);
    if (!folder) throw new Error(`no deploy folder for ${service.name}`);
    const dataDir = join(options.dir, "data", service.name);
    const port = await freePort();
    dataDirs.set(service.name, dataDir);
    processes.set(
      service.name,
      serviceProcess({
        name: service.name,
        folder,
        port,
        logDir: join(options.dir, "logs"),
        onUnexpectedExit: (status, tail) => {
          options.onUnexpectedExit?.(service.name, status, tail);
          restartLater(service.name);
        },
        env: serviceEnv({
          root: options.root,
          name: service.name,
          port,
          dataDir,
          broker,
          ...(options.envFor?.[service.name] ? { extra: options.envFor[service.name] } : {}),
        }),
      }),
    );
  }
  const get = (name: string): ServiceProcess => {
    const proc = processes.get(name);
    if (!proc) throw new Error(`no service ${name} in the topology`);
    return proc;
  };
  return {
    broker,
    services: options.services,
    gatewayUrl: get(GATEWAY).url,
    process: get,
    dbFile: (name) => join(dataDirs.get(name) ?? "", `${name}.db`),
    async start() {
      await broker.start();
      await broker.jetStreamReady(30_000);
      await ensureStreams(broker);
      // Each stage starts together once the one before it is ready (the gateway last: it fetches the users
      // service's keys when it starts).
      for (const stage of startStages(options.services)) {
        const procs = stage.map((s) => get(s.name));
        await Promise.all(procs.map((p) => p.start()));
        await Promise.all(procs.map((p) => p.ready(READY_TIMEOUT_MS)));
      }
    },
    async stop() {
      stopping = true;
      for (const stage of stopStages(options.services))
        await Promise.all(stage.map((s) => get(s.name).stop()));
      await broker.stop();
    },
  };
}
