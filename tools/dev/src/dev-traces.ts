import { join } from "node:path";
import {
  DEFAULT_OTLP_HTTP_PORT,
  DEFAULT_UI_PORT,
  findViewer,
  installViewer,
  type RunningViewer,
  startViewer,
} from "@bazaar/traces";
import { isPortFree } from "./ports.js";

/** `auto`: start the viewer when it is installed; `install`: install it first if needed; `off`. */
export type TracesMode = "auto" | "install" | "off";

/** What the runner knows about tracing: the viewer starting, or why there is none. */
export interface DevTraces {
  /** The OTLP endpoint the services export to, when a viewer is on its way. */
  readonly otlpEndpoint?: string;
  readonly viewer?: Promise<RunningViewer | undefined>;
  /** Why there is no viewer, for the banner. */
  readonly missing?: string;
}

/**
 * `devTraces` starts the trace viewer (Zipkin behind an OpenTelemetry Collector, see tools/traces) in
 * the background when it is installed, so the services can export to it from their first span. A viewer
 * that cannot start never stops `pnpm dev`: the banner says why.
 */
export async function devTraces(o: {
  readonly mode: TracesMode;
  readonly dataDir: string;
  readonly note: (line: string) => void;
}): Promise<DevTraces> {
  if (o.mode === "off") return { missing: "off (--no-traces)" };
  if (findViewer().missing.length > 0) {
    if (o.mode !== "install")
      return {
        missing:
          "not installed: pnpm dev --traces installs it (Zipkin and a collector, minutes the first time)",
      };
    await installViewer({ log: (line: string) => o.note(line) });
  }
  const otlpHttpPort = Number(process.env.OTLP_PORT ?? DEFAULT_OTLP_HTTP_PORT);
  const uiPort = Number(process.env.TRACES_PORT ?? DEFAULT_UI_PORT);
  for (const [port, variable] of [
    [otlpHttpPort, "OTLP_PORT"],
    [uiPort, "TRACES_PORT"],
  ] as const) {
    if (!(await isPortFree(port)))
      return { missing: `port ${port} is taken (choose another: ${variable}=${port + 10} pnpm dev)` };
  }
  const viewer = startViewer({ otlpHttpPort, uiPort, dataDir: join(o.dataDir, "traces") }).catch(
    (err: unknown) => {
      o.note(`the trace viewer did not start: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    },
  );
  return { otlpEndpoint: `http://127.0.0.1:${otlpHttpPort}`, viewer };
}
