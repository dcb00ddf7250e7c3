import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { type FindOptions, type FoundBinary, findNatsCli, findNatsServer } from "./binaries.js";
import { NatsServerNotFoundError } from "./errors.js";
import { localBinDir } from "./paths.js";
import {
  CLI_MODULE,
  MINIMUM_SERVER_VERSION,
  PINNED_CLI_VERSION,
  PINNED_SERVER_VERSION,
  SERVER_MODULE,
} from "./versions.js";

export interface EnsureOptions extends FindOptions {
  /** Install with `go install` when missing (default true). */
  readonly install?: boolean;
  /** Also require the `nats` CLI (default true). */
  readonly cli?: boolean;
  readonly log?: (line: string) => void;
}

export interface EnsuredBinaries {
  readonly server: FoundBinary;
  readonly cli: FoundBinary | undefined;
}

/** `goAvailable` says whether a `go` toolchain answers on PATH. */
export function goAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  try {
    execFileSync("go", ["version"], { stdio: "ignore", env, timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}

/** The exact commands that install what Bazaar needs, for people and for error messages. */
export function installInstructions(binDir: string = localBinDir()): string {
  return [
    `Bazaar needs nats-server ${MINIMUM_SERVER_VERSION} or newer (tested with ${PINNED_SERVER_VERSION}) and the nats CLI.`,
    "Install them one of these ways, then run the command again:",
    "",
    "  With Go (any OS; installs the pinned versions into the project's .bin folder):",
    `    GOBIN="${binDir}" go install ${SERVER_MODULE}@v${PINNED_SERVER_VERSION}`,
    `    GOBIN="${binDir}" go install ${CLI_MODULE}@v${PINNED_CLI_VERSION}`,
    "",
    "  Debian/Ubuntu: the distribution's nats-server is too old on Debian 12, and so is its Go (1.19).",
    "    Install Go 1.21 or newer (it fetches the toolchain these modules need), e.g.:",
    "    sudo apt-get install -y -t bookworm-backports golang-go   # or the tarball from go.dev",
    "",
    "  macOS (Homebrew):",
    "    brew install nats-server nats-io/nats-tools/nats",
    "",
    "  Or point NATS_SERVER_BIN (and NATS_CLI_BIN) at binaries you already have.",
  ].join("\n");
}

function goInstall(module: string, version: string, binDir: string, log: (line: string) => void): void {
  log(`installing ${module}@v${version} into ${binDir} (go install)`);
  const result = spawnSync("go", ["install", `${module}@v${version}`], {
    env: { ...process.env, GOBIN: binDir, GOFLAGS: process.env.GOFLAGS ?? "-mod=mod" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (result.status !== 0) {
    throw new NatsServerNotFoundError(
      `go install ${module}@v${version} failed (exit ${result.status}).\n\n${installInstructions(binDir)}`,
    );
  }
}

/**
 * `ensureNatsBinaries` finds nats-server (and the CLI); when missing and Go is available it installs the
 * pinned versions into `.bin`; otherwise it throws with install instructions. It never returns without a server.
 */
export function ensureNatsBinaries(options: EnsureOptions = {}): EnsuredBinaries {
  const log = options.log ?? ((line: string) => console.error(line));
  const binDir = options.binDir ?? localBinDir();
  const wantCli = options.cli ?? true;
  const install = options.install ?? true;

  let server = findNatsServer(options).found;
  let cli = findNatsCli(options).found;
  const missing = !server || (wantCli && !cli);
  if (missing) {
    if (!install || !goAvailable()) {
      if (!server) throw new NatsServerNotFoundError(installInstructions(binDir));
      log(
        `the nats CLI is missing (optional for running, used to inspect the broker):\n${installInstructions(binDir)}`,
      );
    } else {
      mkdirSync(binDir, { recursive: true });
      if (!server) goInstall(SERVER_MODULE, PINNED_SERVER_VERSION, binDir, log);
      if (wantCli && !cli) goInstall(CLI_MODULE, PINNED_CLI_VERSION, binDir, log);
      server = findNatsServer(options).found;
      cli = findNatsCli(options).found;
      if (!server)
        throw new NatsServerNotFoundError(
          `nats-server is still missing after go install.\n\n${installInstructions(binDir)}`,
        );
    }
  }
  return { server: server as FoundBinary, cli };
}
