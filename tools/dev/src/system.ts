import { mkdirSync } from "node:fs";
import { topology } from "../../../topology.js";
import { type InProcessService, startInProcess } from "./monolith-runner.js";
import { type ServiceProcess, startServiceProcess } from "./process-runner.js";
import { type RunMode, serviceEnv } from "./service-env.js";

export type ServiceSpec = (typeof topology.services)[number];

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
  /** Hot reload (processes mode). */
  readonly watch?: boolean;
  /** Every log line of every service, with its name. */
  readonly onLine?: (service: string, line: string) => void;
}

type Member = { kind: "process"; handle: ServiceProcess } | { kind: "in-process"; handle: InProcessService };

/** A running system: its services and how to reach, stop, crash and restart them. */
export interface RunningSystem {
  readonly mode: RunMode;
  readonly natsUrl: string;
  url(service: string): string;
  /** The pid of a service running as its own process. */
  pid(service: string): number | undefined;
  /** Graceful stop of one service. */
  stopService(service: string): Promise<void>;
  /** SIGKILL one service (processes mode only). */
  killService(service: string): Promise<void>;
  /** Starts a stopped service again, with the same configuration. */
  startService(service: string): Promise<void>;
  /** Stops everything, in reverse order of start. */
  stop(): Promise<void>;
}

/**
 * `startSystem` starts the services of `topology.ts`, either one process per service or all in this
 * process, with the same environment either way. NATS must already be running (see `startDevNats`).
 */
export async function startSystem(options: SystemOptions): Promise<RunningSystem> {
  mkdirSync(options.dataDir, { recursive: true });
  const specs = topology.services.filter((s) => !options.only || options.only.includes(s.name));
  // The gateway starts last: it fetches the users service's keys when it starts.
  const ordered = [
    ...specs.filter((s) => s.name !== "gateway"),
    ...specs.filter((s) => s.name === "gateway"),
  ];
  const members = new Map<string, Member>();
  const portOf = (s: ServiceSpec): number => options.ports?.[s.name] ?? s.port;
  const envOf = (s: ServiceSpec) =>
    serviceEnv({
      name: s.name,
      port: portOf(s),
      natsUrl: options.natsUrl,
      dataDir: options.dataDir,
      nodeEnv: options.nodeEnv,
      ...(options.env ? { extra: options.env } : {}),
      ...(options.envFor?.[s.name] ? { own: options.envFor[s.name] } : {}),
    });

  const start = async (s: ServiceSpec): Promise<void> => {
    if (options.mode === "monolith") {
      members.set(s.name, {
        kind: "in-process",
        handle: await startInProcess({ name: s.name, packageName: s.package, env: envOf(s) }),
      });
      return;
    }
    const handle = startServiceProcess({
      name: s.name,
      env: envOf(s),
      watch: options.watch ?? false,
      onLine: (line) => options.onLine?.(s.name, line),
    });
    members.set(s.name, { kind: "process", handle });
    await waitForReady(`http://127.0.0.1:${portOf(s)}`, handle);
  };

  const spec = (name: string): ServiceSpec => {
    const s = specs.find((x) => x.name === name);
    if (!s) throw new Error(`unknown service ${name}`);
    return s;
  };

  try {
    if (options.mode === "monolith") {
      for (const s of ordered) await start(s);
    } else {
      // Processes start in parallel (each compiles its own TypeScript); the gateway after the rest.
      await Promise.all(ordered.filter((s) => s.name !== "gateway").map(start));
      for (const s of ordered.filter((x) => x.name === "gateway")) await start(s);
    }
  } catch (err) {
    await Promise.all([...members.values()].map((m) => m.handle.stop()));
    throw err;
  }

  return {
    mode: options.mode,
    natsUrl: options.natsUrl,
    url: (name) => `http://127.0.0.1:${portOf(spec(name))}`,
    pid: (name) => {
      const m = members.get(name);
      return m?.kind === "process" ? m.handle.pid : undefined;
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
      await start(spec(name));
    },
    async stop() {
      for (const name of [...members.keys()].reverse()) {
        await members.get(name)?.handle.stop();
        members.delete(name);
      }
    },
  };
}

/** Waits until a service answers `/health/ready` with 200 (or exits, which is an error worth its log). */
async function waitForReady(url: string, proc: ServiceProcess, timeoutMs = 60_000): Promise<void> {
  let exited = false;
  void proc.exited.then(() => {
    exited = true;
  });
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (exited) throw new Error(`${proc.name} exited during start-up`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${proc.name} was not ready at ${url}/health/ready within ${timeoutMs} ms`);
}
