import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { goAvailable, localBinDir } from "@bazaar/nats-tools";
import { collectorPath, findViewer, type ViewerBinaries, zipkinJarPath } from "./binaries.js";
import { ViewerNotInstalledError } from "./errors.js";
import { COLLECTOR_VERSION, ZIPKIN_ARTIFACT, ZIPKIN_VERSION } from "./versions.js";

/** The Go module of the collector (OTLP in, Zipkin out), next to this package's `src`. */
export const COLLECTOR_SOURCE = join(dirname(fileURLToPath(import.meta.url)), "..", "collector");

export interface InstallViewerOptions {
  readonly binDir?: string;
  /** Install again even when found. */
  readonly force?: boolean;
  readonly log?: (line: string) => void;
  /** How often a long step says it is still at it (default 15 s). */
  readonly quietAfterMs?: number;
}

/** What `installViewer` found or installed, with how long each step took. */
export interface InstalledViewer extends ViewerBinaries {
  readonly steps: ReadonlyArray<{ what: string; ms: number; bytes: number }>;
}

/** The exact commands that install the viewer by hand, for people and for error messages. */
export function viewerInstallInstructions(binDir: string = localBinDir()): string {
  return [
    `The trace viewer is Zipkin ${ZIPKIN_VERSION} (Java 17+) behind an OpenTelemetry Collector ${COLLECTOR_VERSION} (Go).`,
    "Install both into the project's .bin folder with `pnpm --filter @bazaar/traces run install-viewer`, or by hand:",
    "",
    `  mvn -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy -Dartifact=${ZIPKIN_ARTIFACT} -DoutputDirectory="${binDir}"`,
    `  (cd tools/traces/collector && go build -trimpath -ldflags="-s -w" -o "${collectorPath(binDir)}" .)`,
    "",
    "  Java: Debian `apt-get install -y openjdk-17-jre-headless`, macOS `brew install openjdk@17`.",
    "  Or point BAZAAR_ZIPKIN_JAR, BAZAAR_OTELCOL_BIN (and BAZAAR_JAVA) at files you already have.",
  ].join("\n");
}

function commandAnswers(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: "ignore", timeout: 60_000 });
  return result.status === 0;
}

/** `runStep` runs a command with its output passed on to `log`, and says every `quietAfterMs` that it is still going. */
function runStep(o: {
  what: string;
  command: string;
  args: string[];
  cwd?: string;
  log: (line: string) => void;
  quietAfterMs: number;
}): Promise<number> {
  const started = Date.now();
  o.log(`${o.what}: ${o.command} ${o.args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(o.command, o.args, { cwd: o.cwd, stdio: ["ignore", "pipe", "pipe"] });
    // Maven prints colour resets even in batch mode: pass on only the lines with words in them.
    const pass = (chunk: Buffer): void => {
      for (const line of chunk.toString("utf8").split("\n")) {
        const text = stripVTControlCharacters(line).trimEnd();
        if (text.trim()) o.log(`  ${text}`);
      }
    };
    child.stdout?.on("data", pass);
    child.stderr?.on("data", pass);
    const timer = setInterval(
      () => o.log(`${o.what}: still at it (${Math.round((Date.now() - started) / 1000)} s)`),
      o.quietAfterMs,
    );
    child.once("error", (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.once("exit", (code) => {
      clearInterval(timer);
      if (code === 0) resolve(Date.now() - started);
      else
        reject(
          new ViewerNotInstalledError(`${o.what} failed (exit ${code}).\n\n${viewerInstallInstructions()}`),
        );
    });
  });
}

/**
 * `installViewer` puts the pinned Zipkin jar (with Maven, from Maven Central) and the collector (built
 * with Go from `collector/`) into `.bin`, skipping what is already there. It throws with the manual
 * commands when Maven or Go is missing.
 *
 * @example
 * await installViewer({ log: console.log });
 */
export async function installViewer(options: InstallViewerOptions = {}): Promise<InstalledViewer> {
  const binDir = options.binDir ?? localBinDir();
  const log = options.log ?? ((line: string) => console.error(line));
  const quietAfterMs = options.quietAfterMs ?? 15_000;
  const before = findViewer({ binDir });
  const steps: Array<{ what: string; ms: number; bytes: number }> = [];
  mkdirSync(binDir, { recursive: true });

  if (!before.zipkinJar || options.force) {
    if (!commandAnswers("mvn", ["--version"])) {
      throw new ViewerNotInstalledError(
        `Maven (mvn) is needed to fetch the Zipkin jar.\n\n${viewerInstallInstructions(binDir)}`,
      );
    }
    const what = `Zipkin ${ZIPKIN_VERSION} jar from Maven Central`;
    const ms = await runStep({
      what,
      command: "mvn",
      args: [
        "-B",
        "-q",
        "-Dstyle.color=never",
        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy",
        `-Dartifact=${ZIPKIN_ARTIFACT}`,
        `-DoutputDirectory=${binDir}`,
      ],
      log,
      quietAfterMs,
    });
    steps.push({ what, ms, bytes: statSync(zipkinJarPath(binDir)).size });
  }
  if (!before.collector || options.force) {
    if (!goAvailable()) {
      throw new ViewerNotInstalledError(
        `Go is needed to build the collector.\n\n${viewerInstallInstructions(binDir)}`,
      );
    }
    const what = `OpenTelemetry Collector ${COLLECTOR_VERSION} (OTLP in, Zipkin out), go build`;
    const ms = await runStep({
      what,
      command: "go",
      args: ["build", "-trimpath", "-ldflags=-s -w", "-o", collectorPath(binDir), "."],
      cwd: COLLECTOR_SOURCE,
      log,
      quietAfterMs,
    });
    steps.push({ what, ms, bytes: statSync(collectorPath(binDir)).size });
  }
  const after = findViewer({ binDir });
  if (!after.java) log(`note: ${after.missing.join("; ")}`);
  return { ...after, steps };
}
