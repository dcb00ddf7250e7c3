import { mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { findRepoRoot } from "@bazaar/nats-tools";
import { type Service, services, startOrder, startStages, stopStages } from "@bazaar/topology";
import { type Instance, instanceLayout } from "./instances.js";
import { type InProcessService, startInProcess } from "./monolith-runner.js";
import { startServiceProcess } from "./process-runner.js";
import { waitForReady } from "./readiness.js";
import type { RunMode } from "./service-env.js";
import { watchSources } from "./source-watch.js";
import { type Supervised, supervise } from "./supervisor.js";

/** A service of the registry (`@bazaar/topology`): name, folder, package, port, start stage. */
export type ServiceSpec = Service;

export interface SystemOptions {
  readonly mode: RunMode;
  readonly natsUrl: string;
  readonly dataDir: string;
  readonly nodeEnv: "development" | "test";
  /** Port per service name (default: the topology's). */
  readonly ports?: Readonly<Record<string, number>>;
  /** Only these services (default: all). */
  readonly only?: readonly string[];
  /** Variables for every service, and per service. */
  readonly env?: Readonly<Record<string, string>>;
  readonly envFor?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Hot reload (processes mode): a service restarts when its sources or a workspace package change. */
  readonly watch?: boolean;
  /** Restart a service process that crashes, with backoff (processes mode; the dev runner). */
  readonly restartOnCrash?: boolean;
  /** Every log line of every service, with its name. */
  readonly onLine?: (service: string, line: string) => void;
  /** What the runner did: restarts after a crash or a change. */
  readonly onEvent?: (message: string) => void;
  /**
   * Instances of each partitioned service (processes mode): instance `i` owns the partitions
   * `p % instances === i`, is named `<service>-<i>` from 1 on (the first keeps the service's name), and
   * listens on `ports["<service>-<i>"]`, else its service's port plus 100·i. Default 1.
   */
  readonly instances?: number;
  /** `PARTITIONS` for every service (default 1; 16 when `instances` is above 1). */
  readonly partitions?: number;
}

type Member = { kind: "process"; handle: Supervised } | { kind: "in-process"; handle: InProcessService };

/** A running system: its services and how to reach, stop, crash and restart them. */
export interface RunningSystem {
  readonly mode: RunMode;
  readonly natsUrl: string;
  /** The services it runs, in start order. */
  readonly services: readonly string[];
  url(service: string): string;
  /** The pid of a service running as its own process. */
  pid(service: string): number | undefined;
  /** Graceful stop of one service. */
  stopService(service: string): Promise<void>;
  /** SIGKILL one service (processes mode only); it is not restarted. */
  killService(service: string): Promise<void>;
  /** Starts a stopped service again, with the same configuration. */
  startService(service: string): Promise<void>;
  /** Stops everything: the gateway (the door) first, then the rest together. */
  stop(): Promise<void>;
}

/** How long a service may take to stop: its own shutdown timeout, plus a margin to exit. */
export function stopGraceMs(env: Readonly<Record<string, string | undefined>>): number {
  const timeout = Number(env.SHUTDOWN_TIMEOUT_MS);
  return (Number.isFinite(timeout) && timeout > 0 ? timeout : 10_000) + 2_000;
}

/** The workspace libraries every service may import: a change there restarts them all. */
function sharedSourceFolders(root: string): string[] {
  return readdirSync(join(root, "packages"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join("packages", d.name, "src"));
}

/**
 * `startSystem` starts the services of the registry (`@bazaar/topology`), either one process per service
 * or all in this process, with the same environment either way, stage by stage as the registry says (the
 * gateway last: it fetches the users service's keys when it starts). NATS must already be running (see
 * `startDevNats`).
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  mkdirSync(options.dataDir, { recursive: true });
  const specs = services.filter((s) => !options.only || options.only.includes(s.name));
  const ordered = startOrder(specs);
  const members = new Map<string, Member>();
  const layout = instanceLayout({ specs, ...options });
  const startOne = async (instance: Instance): Promise<void> => {
    const { name, spec: s, env } = instance;
    if (options.mode === "monolith") {
      members.set(name, {
        kind: "in-process",
        handle: await startInProcess({ name, packageName: s.package, env }),
      });
      return;
    }
    const handle = supervise({
      name,
      spawn: () =>
        startServiceProcess({
          name,
          folder: s.folder,
          env,
          onLine: (line) => options.onLine?.(name, line),
        }),
      ready: (proc) => waitForReady({ proc, urls: [instance.url] }),
      restartOnCrash: options.restartOnCrash ?? false,
      onEvent: (message) => options.onEvent?.(message),
      graceMs: stopGraceMs({ ...process.env, ...env }),
    });
    members.set(name, { kind: "process", handle });
    await handle.start();
  };
  const instancesOf = (s: ServiceSpec): Instance[] => layout.filter((i) => i.spec === s);
  const start = async (s: ServiceSpec): Promise<void> => {
    await Promise.all(instancesOf(s).map(startOne));
  };
  const instance = (name: string): Instance => {
    const found = layout.find((i) => i.name === name);
    if (!found) throw new Error(`unknown service ${name}`);
    return found;
  };

  // The registry's stages in reverse: the door (the gateway) first, then the rest together.
  const stopAll = async (): Promise<void> => {
    for (const stage of stopStages(specs)) {
      await Promise.all(
        stage.flatMap(instancesOf).map(async ({ name }) => {
          await members.get(name)?.handle.stop();
          members.delete(name);
        }),
      );
    }
    await Promise.all([...members.values()].map((m) => m.handle.stop()));
    members.clear();
  };

  try {
    if (options.mode === "monolith") {
      for (const s of ordered) await start(s);
    } else {
      // The processes of a stage start in parallel (each compiles its own TypeScript), stage after stage.
      for (const stage of startStages(specs)) await Promise.all(stage.map(start));
    }
  } catch (err) {
    await stopAll();
    throw err;
  }

  const root = findRepoRoot();
  const reloadAll = (reason: string): void => {
    for (const m of members.values()) if (m.kind === "process") void m.handle.reload(reason);
  };
  const watchers =
    options.watch && options.mode === "processes"
      ? [
          watchSources({
            root,
            folders: sharedSourceFolders(root),
            onChange: (path) => reloadAll(`${path} changed`),
          }),
          ...ordered.map((s) =>
            watchSources({
              root,
              folders: [join(s.folder, "src")],
              onChange: (path) => {
                for (const { name } of instancesOf(s)) {
                  const m = members.get(name);
                  if (m?.kind === "process") void m.handle.reload(`${path} changed`);
                }
              },
            }),
          ),
        ]
      : [];

  return {
    mode: options.mode,
    natsUrl: options.natsUrl,
    services: ordered.flatMap((s) => instancesOf(s).map((i) => i.name)),
    url: (name) => instance(name).url,
    pid: (name) => {
      const m = members.get(name);
      return m?.kind === "process" ? m.handle.current()?.pid : undefined;
    },
    async stopService(name) {
      await members.get(name)?.handle.stop();
      members.delete(name);
    },
    async killService(name) {
      const m = members.get(name);
      if (m?.kind !== "process")
        throw new Error(`${name} is not a separate process: crash tests need processes mode`);
      await m.handle.kill();
      members.delete(name);
    },
    async startService(name) {
      if (members.has(name)) throw new Error(`${name} is already running`);
      await startOne(instance(name));
    },
    async stop() {
      for (const w of watchers) w.close();
      await stopAll();
    },
  };
}
