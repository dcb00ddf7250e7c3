#!/usr/bin/env node
// `pnpm --filter @bazaar/traces run install-viewer | viewer | check`: install, run or look for the trace viewer.
import { findViewer } from "./binaries.js";
import { installViewer, viewerInstallInstructions } from "./install.js";
import { DEFAULT_OTLP_HTTP_PORT, DEFAULT_UI_PORT } from "./versions.js";
import { startViewer } from "./viewer.js";

const say = (line: string): void => console.log(`traces | ${line}`);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(command: string | undefined, args: string[]): Promise<number> {
  switch (command) {
    case "install": {
      const result = await installViewer({ force: args.includes("--force"), log: say });
      for (const step of result.steps)
        say(`${step.what}: ${(step.ms / 1000).toFixed(1)} s, ${mb(step.bytes)}`);
      say(`zipkin jar  ${result.zipkinJar}`);
      say(`collector   ${result.collector}`);
      say(`java        ${result.java ?? "(missing)"}`);
      return result.missing.length === 0 ? 0 : 1;
    }
    case "check": {
      const found = findViewer();
      say(`java        ${found.java ?? "(missing)"}`);
      say(`zipkin jar  ${found.zipkinJar ?? "(missing)"}`);
      say(`collector   ${found.collector ?? "(missing)"}`);
      for (const line of found.missing) say(line);
      return found.missing.length === 0 ? 0 : 1;
    }
    case "start": {
      const started = Date.now();
      const viewer = await startViewer({
        otlpHttpPort: Number(process.env.OTLP_PORT ?? DEFAULT_OTLP_HTTP_PORT),
        uiPort: Number(process.env.TRACES_PORT ?? DEFAULT_UI_PORT),
        log: say,
      });
      say(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      say(`traces UI   ${viewer.uiUrl}`);
      say(`a trace     ${viewer.traceUrl("<trace id>")}`);
      say(`query API   ${viewer.apiUrl}/trace/<trace id>`);
      say(`export to   OTEL_EXPORTER_OTLP_ENDPOINT=${viewer.otlpEndpoint}  (OTLP/HTTP, protobuf or JSON)`);
      say(`logs        ${viewer.logs.zipkin}, ${viewer.logs.collector}`);
      say("Ctrl-C stops it (spans are kept in memory only)");
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
        process.once("SIGHUP", resolve);
      });
      await viewer.stop();
      say("stopped");
      return 0;
    }
    default:
      console.error("usage: cli.ts install [--force] | check | start\n");
      console.error(viewerInstallInstructions());
      return 2;
  }
}

main(process.argv[2], process.argv.slice(3)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
