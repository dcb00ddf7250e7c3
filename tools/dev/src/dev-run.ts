import { join } from "node:path";
import { type DevNats, findRepoRoot, probeNats, startDevNats } from "@bazaar/nats-tools";
import { type ServiceEntry, topology } from "@bazaar/topology";
import type { RunningViewer } from "@bazaar/traces";
import { banner } from "./banner.js";
import { startConsole } from "./console-server.js";
import { devGatewayEnv } from "./dev-limits.js";
import { devTraces, type TracesMode } from "./dev-traces.js";
import { MONOLITH_VARIABLE, type MonolithSpec } from "./monolith-spec.js";
import { isPortFree } from "./ports.js";
import { startChildProcess } from "./process-runner.js";
import { StartFailedError, waitForReady } from "./readiness.js";
import { guardOutput, writeLine } from "./safe-output.js";
import { brokerEnvFor, type RunMode } from "./service-env.js";
import { shutdownTrigger } from "./shutdown-trigger.js";
import { ensureAllStreams } from "./streams.js";
import { type Supervised, supervise } from "./supervisor.js";
import { type RunningSystem, startSystem, stopGraceMs } from "./system.js";

export interface DevRunOptions {
  readonly mode: RunMode;
  readonly watch: boolean;
  /** Only these services, against a broker that is already running (`--only orders,inventory`). */
  readonly only?: readonly string[];
  readonly dataDir: string;
  /** The trace viewer: started when installed (`auto`), installed first (`install`), or `off`. */
  readonly traces?: TracesMode;
  /** Instances of each partitioned service (`--instances 2`), over `partitions` partitions (default 16). */
  readonly instances?: number;
  readonly partitions?: number;
}

/** What the runner is running, so it can be stopped in order whatever stage it reached. */
interface Running {
  nats?: DevNats;
  system?: RunningSystem;
  monolith?: Supervised;
  console?: Awaited<ReturnType<typeof startConsole>>;
  /** The viewer, once it answers (or undefined): awaited at stop, so one still starting is stopped too. */
  traces?: Promise<RunningViewer | undefined>;
}

const variableOf = (name: string): string => `${name.replace(/-/g, "_").toUpperCase()}_PORT`;

/** `<NAME>_PORT` overrides a service's port, e.g. GATEWAY_PORT=3010. */
function portsFromEnv(): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const s of topology.services) {
    const value = process.env[variableOf(s.name)];
    ports[s.name] = value ? Number(value) : s.port;
  }
  return ports;
}

/**
 * `runDev` is `pnpm dev` and `pnpm dev:monolith`: the broker, the streams, the services (restarted when
 * they crash or their sources change), the console and a banner; then, on Ctrl-C, SIGTERM, a closed
 * terminal or pnpm going away, everything it started stops in order: console, gateway, the other
 * services, the broker last, within the services' shutdown timeout. Its output may break (a pipe's
 * reader gone) without the runner dying before its children. Resolves with the exit code.
 */
export async function runDev(options: DevRunOptions): Promise<number> {
  const output = guardOutput({});
  const say = (line: string): void => {
    if (!output.isBroken(process.stdout)) writeLine(process.stdout, line);
  };
  const warn = (line: string): void => {
    if (!output.isBroken(process.stderr)) writeLine(process.stderr, line);
  };
  const note = (message: string): void => say(`${"dev".padEnd(13)} | ${message}`);
  const running: Running = {};
  const trigger = shutdownTrigger({
    onForce: (signal) => {
      warn(`\n${signal} again: killing what is left`);
      // The exit handler of the process runner SIGKILLs every child's process group; the broker gets a
      // moment to stop (it holds the JetStream store), no more.
      setTimeout(() => process.exit(130), 2000).unref();
      void Promise.resolve(running.nats?.stop()).finally(() => process.exit(130));
    },
  });
  try {
    const code = await startAll(options, running, { say, warn, note, stopRequested: trigger.requested });
    if (code !== 0) return code;
    const why = await trigger.requested;
    say(`\nstopping (${why})…`);
    return 0;
  } finally {
    await stopAll(running, warn);
    trigger.dispose();
    say(`stopped; data kept in ${options.dataDir} (pnpm dev:reset wipes it)`);
  }
}

interface Out {
  say(line: string): void;
  warn(line: string): void;
  note(message: string): void;
  readonly stopRequested: Promise<string>;
}

async function startAll(options: DevRunOptions, running: Running, out: Out): Promise<number> {
  const ports = portsFromEnv();
  const selected = topology.services.filter((s) => !options.only || options.only.includes(s.name));
  const unknown = (options.only ?? []).filter((name) => !topology.services.some((s) => s.name === name));
  if (unknown.length > 0) {
    out.warn(`--only: no service named ${unknown.join(", ")} (see packages/topology/src/topology.ts)`);
    return 2;
  }
  // The console and the banner's API lines need the door (the registry's edge service: the gateway).
  const withGateway = selected.some((s) => s.edge);
  const consolePort = Number(process.env.CONSOLE_PORT ?? topology.console.port);
  const wanted = [
    ...selected.map((s) => [s.name, ports[s.name] ?? s.port] as const),
    ...(withGateway ? [["console", consolePort] as const] : []),
  ];
  for (const [name, port] of wanted) {
    if (!(await isPortFree(port))) {
      out.warn(
        `port ${port} (${name}) is taken. Stop whatever uses it, or choose another port: ${variableOf(name)}=${port + 10} pnpm dev`,
      );
      return 1;
    }
  }
  const natsUrl = process.env.NATS_URL ?? topology.nats.url;
  if (options.only && (await probeNats(natsUrl)).kind !== "nats") {
    out.warn(
      `--only runs services against a broker that is already running, and none answers on ${natsUrl}.\n` +
        "Start one first (`pnpm nats server`, or `pnpm dev` in another terminal), or set NATS_URL.",
    );
    return 1;
  }
  running.nats = await startDevNats({
    url: natsUrl,
    storeDir: join(options.dataDir, "nats"),
    syncInterval: process.env.NATS_SYNC_INTERVAL || undefined,
    log: (line) => out.say(`${"nats".padEnd(13)} | ${line}`),
  });
  const created = await ensureAllStreams(running.nats.url, 1, running.nats.credentials.operator);
  if (created.length > 0) out.note(`streams ensured: ${created.join(", ")}`);

  // The viewer starts in the background (a JVM takes a while); the services export to it from the start.
  const traces = await devTraces({
    mode: options.traces ?? "auto",
    dataDir: options.dataDir,
    note: (line) => out.say(`${"traces".padEnd(13)} | ${line}`),
  });
  if (traces.viewer) running.traces = traces.viewer;
  const env = {
    LOG_FORMAT: "pretty",
    ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}),
    ...(traces.otlpEndpoint
      ? { OTEL_EXPORTER_OTLP_ENDPOINT: traces.otlpEndpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" }
      : {}),
  };
  // Each service connects as its own broker user (its permissions come from its declaration).
  const broker = brokerEnvFor(running.nats.credentials);
  const envFor = { ...broker, gateway: { ...broker.gateway, ...devGatewayEnv(process.env) } };
  const only = selected.map((s) => s.name);
  try {
    const started = startServices({ options, running, out, ports, env, envFor, only });
    // A Ctrl-C during start-up stops what started so far instead of waiting for the rest.
    const outcome = await Promise.race([started.then(() => "started"), out.stopRequested]);
    if (outcome !== "started") {
      await started.catch(() => undefined);
      return 0;
    }
  } catch (err) {
    if (!(err instanceof StartFailedError)) throw err;
    out.warn(`\n${err.message}\n`);
    return 1;
  }
  const gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
  const viewer = await traces.viewer;
  if (withGateway)
    running.console = await startConsole({
      port: consolePort,
      gatewayUrl,
      // In dev each service serves /metrics on its own HTTP port (METRICS_PORT=0): the console charts them.
      metricsUrls: Object.fromEntries(
        selected.map((s) => [s.name, `http://127.0.0.1:${ports[s.name] ?? s.port}/metrics`]),
      ),
      ...(viewer ? { tracesUiUrl: viewer.uiUrl } : {}),
    });
  out.say(
    banner({
      mode: options.mode,
      services: selected.flatMap((s) => {
        const port = ports[s.name] ?? s.port;
        const count = (s as ServiceEntry).partitioned ? (options.instances ?? 1) : 1;
        // The other instances of a partitioned service listen 100 ports above the first (see instances.ts).
        return Array.from({ length: count }, (_, i) => ({
          name: i === 0 ? s.name : `${s.name}-${i}`,
          port: port + 100 * i,
          role: count > 1 ? `${s.role} (instance ${i + 1} of ${count})` : s.role,
        }));
      }),
      natsUrl: running.nats.url,
      natsReused: running.nats.reused,
      natsContext: running.nats.context.written
        ? 'context "bazaar" selected: nats stream ls'
        : running.nats.context.command,
      gatewayUrl: withGateway ? gatewayUrl : undefined,
      consoleUrl: running.console?.url,
      traces: viewer
        ? `${viewer.uiUrl}   (OTLP in: ${viewer.otlpEndpoint})`
        : (traces.missing ?? "the viewer did not start (see above)"),
      authLimit: envFor.gateway.RATE_LIMIT_AUTH,
      admin: {
        email: process.env.ADMIN_EMAIL ?? "admin@bazaar.local",
        password: process.env.ADMIN_PASSWORD ?? "bazaar-admin-dev",
      },
      customer: {
        email: process.env.CUSTOMER_EMAIL ?? "customer@bazaar.local",
        password: process.env.CUSTOMER_PASSWORD ?? "bazaar-customer-dev",
      },
    }),
  );
  return 0;
}

async function startServices(o: {
  options: DevRunOptions;
  running: Running;
  out: Out;
  ports: Record<string, number>;
  env: Record<string, string>;
  envFor: Record<string, Record<string, string>>;
  only: string[];
}): Promise<void> {
  const natsUrl = o.running.nats?.url ?? topology.nats.url;
  const onLine = (_service: string, line: string): void => o.out.say(line);
  if (o.options.mode === "processes") {
    o.running.system = await startSystem({
      mode: "processes",
      natsUrl,
      dataDir: o.options.dataDir,
      nodeEnv: "development",
      ports: o.ports,
      only: o.only,
      watch: o.options.watch,
      restartOnCrash: true,
      env: o.env,
      envFor: o.envFor,
      onLine,
      onEvent: o.out.note,
      ...(o.options.instances ? { instances: o.options.instances } : {}),
      ...(o.options.partitions ? { partitions: o.options.partitions } : {}),
    });
    return;
  }
  const spec: MonolithSpec = {
    natsUrl,
    dataDir: o.options.dataDir,
    ports: o.ports,
    only: o.only,
    env: o.env,
    envFor: o.envFor,
  };
  const urls = o.only.map((name) => `http://127.0.0.1:${o.ports[name]}`);
  const monolith = supervise({
    name: "monolith",
    spawn: () =>
      startChildProcess({
        name: "monolith",
        cwd: join(findRepoRoot(), "tools", "dev"),
        args: ["src/monolith-main.ts"],
        env: { ...o.env, [MONOLITH_VARIABLE]: JSON.stringify(spec) },
        onLine: (line) => onLine("monolith", line),
      }),
    ready: (proc) => waitForReady({ proc, urls }),
    restartOnCrash: true,
    onEvent: o.out.note,
    graceMs: stopGraceMs({ ...process.env, ...o.env }),
  });
  o.running.monolith = monolith;
  await monolith.start();
}

/** Stops in order, whatever started: the console, the services (gateway first), the broker last. */
async function stopAll(running: Running, warn: (line: string) => void): Promise<void> {
  const step = async (what: string, fn: (() => Promise<void>) | undefined): Promise<void> => {
    try {
      await fn?.();
    } catch (err) {
      warn(`stopping ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const { console: web, system, monolith, nats } = running;
  await step("the console", web && (() => web.stop()));
  await step("the services", system && (() => system.stop()));
  await step("the monolith", monolith && (() => monolith.stop()));
  // After the services, so their last spans reach it.
  const viewer = await running.traces;
  await step("the trace viewer", viewer && (() => viewer.stop()));
  await step("the broker", nats && (() => nats.stop()));
}
