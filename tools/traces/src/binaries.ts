import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { localBinDir } from "@bazaar/nats-tools";
import { MINIMUM_JAVA, ZIPKIN_VERSION } from "./versions.js";

const exe = process.platform === "win32" ? ".exe" : "";

/** The three things the viewer runs, each found or undefined with the reason. */
export interface ViewerBinaries {
  readonly java: string | undefined;
  readonly zipkinJar: string | undefined;
  readonly collector: string | undefined;
  /** One line per missing piece, saying how to get it; empty when all three are there. */
  readonly missing: readonly string[];
}

export interface FindViewerOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly binDir?: string;
}

/** The file names `install` writes into `.bin`. */
export function zipkinJarPath(binDir: string = localBinDir()): string {
  return join(binDir, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);
}

export function collectorPath(binDir: string = localBinDir()): string {
  return join(binDir, `bazaar-otelcol${exe}`);
}

/** `javaMajor` runs `<java> -version` and returns its major version (17 for "17.0.15"), or undefined. */
export function javaMajor(java: string): number | undefined {
  const result = spawnSync(java, ["-version"], { encoding: "utf8", timeout: 20_000 });
  if (result.status !== 0) return undefined;
  const match = /version "(\d+)(?:\.(\d+))?/.exec(`${result.stderr}${result.stdout}`);
  if (!match) return undefined;
  const major = Number(match[1]);
  // Java 8 and older print "1.8.0_…".
  return major === 1 ? Number(match[2]) : major;
}

function findJava(env: NodeJS.ProcessEnv): { path?: string; problem?: string } {
  const candidates = [
    env.BAZAAR_JAVA,
    env.JAVA_HOME ? join(env.JAVA_HOME, "bin", `java${exe}`) : undefined,
    "java",
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const major = javaMajor(candidate);
    if (major === undefined) continue;
    if (major >= MINIMUM_JAVA) return { path: candidate };
    return {
      problem: `${candidate} is Java ${major}; Zipkin ${ZIPKIN_VERSION} needs Java ${MINIMUM_JAVA} or newer`,
    };
  }
  return {
    problem: `no Java found: Zipkin needs Java ${MINIMUM_JAVA}+ (Debian: apt-get install -y openjdk-17-jre-headless; or set BAZAAR_JAVA)`,
  };
}

/**
 * `findViewer` looks for Java, the Zipkin jar and the collector: `BAZAAR_JAVA`, `BAZAAR_ZIPKIN_JAR` and
 * `BAZAAR_OTELCOL_BIN` first, then `.bin/` (where `install-viewer` puts them), then Java on `PATH`.
 */
export function findViewer(options: FindViewerOptions = {}): ViewerBinaries {
  const env = options.env ?? process.env;
  const binDir = options.binDir ?? localBinDir();
  const missing: string[] = [];
  const java = findJava(env);
  if (java.problem) missing.push(java.problem);
  const jar = env.BAZAAR_ZIPKIN_JAR ?? zipkinJarPath(binDir);
  const hasJar = existsSync(jar);
  if (!hasJar) missing.push(`no Zipkin jar at ${jar}: pnpm --filter @bazaar/traces run install-viewer`);
  const collector = env.BAZAAR_OTELCOL_BIN ?? collectorPath(binDir);
  const hasCollector = existsSync(collector);
  if (!hasCollector)
    missing.push(`no collector at ${collector}: pnpm --filter @bazaar/traces run install-viewer`);
  return {
    java: java.path,
    zipkinJar: hasJar ? jar : undefined,
    collector: hasCollector ? collector : undefined,
    missing,
  };
}
