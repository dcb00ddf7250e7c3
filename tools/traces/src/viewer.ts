import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findViewer, type ViewerBinaries } from "./binaries.js";
import { type Child, startChild } from "./child.js";
import { collectorConfig } from "./collector-config.js";
import { ViewerNotInstalledError, ViewerStartError } from "./errors.js";
import { viewerInstallInstructions } from "./install.js";
import { DEFAULT_OTLP_HTTP_PORT, DEFAULT_UI_PORT, ZIPKIN_UI_PATH } from "./versions.js";

export interface StartViewerOptions {
  /** Where the collector's configuration and both logs go (default: a new temporary folder). Spans stay in memory. */
  readonly dataDir?: string;
  /** The OTLP/HTTP port services export to (default 4318). */
  readonly otlpHttpPort?: number;
  /** Zipkin's port: its UI (`/zipkin/`) and query API (`/api/v2`) (default 9411). */
  readonly uiPort?: number;
  /** Loopback by default: the viewer is for this machine. */
  readonly host?: string;
  /** How long to wait for both to answer (default 90 s: a JVM on two busy cores). */
  readonly startTimeoutMs?: number;
  /** Found binaries (default: `findViewer()`). */
  readonly binaries?: ViewerBinaries;
  readonly log?: (line: string) => void;
}

/** A running viewer. */
export interface RunningViewer {
  /** For `OTEL_EXPORTER_OTLP_ENDPOINT`: the SDK appends `/v1/traces`. */
  readonly otlpEndpoint: string;
  /** The page a person opens. */
  readonly uiUrl: string;
  /** Zipkin's query API root, for `findTrace` and `waitForTrace`. */
  readonly apiUrl: string;
  /** The UI's page for one trace. */
  traceUrl(traceId: string): string;
  readonly logs: { readonly zipkin: string; readonly collector: string };
  /** Stops the collector (it flushes what it holds), then Zipkin. Spans are gone with it. */
  stop(): Promise<void>;
}

/** `traceUrlFor` is the format every link to a trace uses: `<ui>/traces/<32 hex>`. */
export function traceUrlFor(uiUrl: string, traceId: string): string {
  return `${uiUrl.replace(/\/+$/, "")}/traces/${traceId.toLowerCase()}`;
}

/** `portFree` tries to listen: a viewer already there would answer our readiness checks in our place. */
function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function answers(url: string, init?: RequestInit): Promise<boolean> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

async function waitUntil(o: {
  what: string;
  child: Child;
  deadline: number;
  check: () => Promise<boolean>;
}): Promise<void> {
  let exit: string | undefined;
  void o.child.exited.then((how) => {
    exit = how;
  });
  for (;;) {
    if (await o.check()) return;
    if (exit !== undefined) {
      throw new ViewerStartError(`${o.what} stopped (${exit}) before it answered:\n${o.child.tail()}`);
    }
    if (Date.now() > o.deadline) {
      throw new ViewerStartError(
        `${o.what} did not answer in time (log: ${o.child.logFile}):\n${o.child.tail()}`,
      );
    }
    await sleep(250);
  }
}

/**
 * `startViewer` starts Zipkin (in-memory storage, UI and query API on `uiPort`) and the collector in
 * front of it (OTLP/HTTP on `otlpHttpPort`), and resolves once both answer.
 *
 * @example
 * const viewer = await startViewer({ otlpHttpPort: 4318, uiPort: 9411 });
 * console.log(viewer.uiUrl); // http://127.0.0.1:9411/zipkin/
 * await viewer.stop();
 */
export async function startViewer(options: StartViewerOptions = {}): Promise<RunningViewer> {
  const host = options.host ?? "127.0.0.1";
  const otlpHttpPort = options.otlpHttpPort ?? DEFAULT_OTLP_HTTP_PORT;
  const uiPort = options.uiPort ?? DEFAULT_UI_PORT;
  const log = options.log ?? (() => undefined);
  const binaries = options.binaries ?? findViewer();
  const { java, zipkinJar, collector } = binaries;
  if (!java || !zipkinJar || !collector) {
    throw new ViewerNotInstalledError(`${binaries.missing.join("\n")}\n\n${viewerInstallInstructions()}`);
  }
  for (const [port, what, option] of [
    [uiPort, "Zipkin", "uiPort"],
    [otlpHttpPort, "OTLP/HTTP", "otlpHttpPort"],
  ] as const) {
    if (!(await portFree(port, host))) {
      throw new ViewerStartError(
        `port ${port} (${what}) on ${host} is taken: stop what holds it, or pass another ${option}`,
      );
    }
  }
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "bazaar-traces-"));
  mkdirSync(dataDir, { recursive: true });
  const deadline = Date.now() + (options.startTimeoutMs ?? 90_000);

  const zipkin = startChild({
    command: java,
    args: [
      "-Xms64m",
      "-Xmx512m",
      // A dev tool that starts often: the quick JIT tier starts Zipkin sooner and is plenty for it.
      "-XX:TieredStopAtLevel=1",
      `-Darmeria.ports[0].ip=${host}`,
      `-Darmeria.ports[0].port=${uiPort}`,
      "-Darmeria.ports[0].protocols[0]=http",
      "-jar",
      zipkinJar,
    ],
    env: {
      ...process.env,
      STORAGE_TYPE: "mem",
      QUERY_PORT: String(uiPort),
      COLLECTOR_SCRIBE_ENABLED: "false",
    },
    logFile: join(dataDir, "zipkin.log"),
  });
  const apiUrl = `http://${host}:${uiPort}/api/v2`;
  const uiUrl = `http://${host}:${uiPort}${ZIPKIN_UI_PATH}`;
  let otel: Child | undefined;
  try {
    log(`starting Zipkin on ${uiUrl}`);
    await waitUntil({
      what: "Zipkin",
      child: zipkin,
      deadline,
      check: () => answers(`http://${host}:${uiPort}/health`),
    });
    const configFile = join(dataDir, "collector.yaml");
    writeFileSync(configFile, collectorConfig({ host, otlpHttpPort, zipkinPort: uiPort }));
    log(`starting the collector: OTLP/HTTP on http://${host}:${otlpHttpPort}`);
    otel = startChild({
      command: collector,
      args: ["--config", configFile],
      logFile: join(dataDir, "collector.log"),
    });
    const started = otel;
    await waitUntil({
      what: "the OpenTelemetry Collector",
      child: started,
      deadline,
      // An empty export is a valid OTLP request: 200 once the receiver listens.
      check: () =>
        answers(`http://${host}:${otlpHttpPort}/v1/traces`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: '{"resourceSpans":[]}',
        }),
    });
  } catch (err) {
    await otel?.stop();
    await zipkin.stop();
    throw err;
  }
  const running = otel;
  return {
    otlpEndpoint: `http://${host}:${otlpHttpPort}`,
    uiUrl,
    apiUrl,
    traceUrl: (traceId) => traceUrlFor(uiUrl, traceId),
    logs: { zipkin: zipkin.logFile, collector: running.logFile },
    async stop() {
      await running.stop();
      await zipkin.stop();
    },
  };
}
