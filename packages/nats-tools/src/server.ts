import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { NatsServerStartError } from "./errors.js";

export interface StartNatsServerOptions {
  /** Path to the nats-server binary (see `ensureNatsBinaries`). */
  readonly bin: string;
  readonly host?: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** JetStream store; the config file and log are written next to it. */
  readonly storeDir: string;
  readonly jetstream?: boolean;
  /**
   * JetStream fsync policy. The server default (`2m`) is lazy: acknowledged messages can be lost on power
   * loss. `always` fsyncs every write: durable, slower.
   */
  readonly syncInterval?: string | undefined;
  readonly serverName?: string;
  /**
   * Users and their permissions (`brokerIdentities`). Without it the server lets anyone connect and do
   * anything.
   */
  readonly authorization?: string;
  /** Variables for the server process besides the inherited ones (the users' passwords). */
  readonly env?: Readonly<Record<string, string>>;
  /** Run in its own process group, so a terminal's Ctrl-C does not reach it directly. */
  readonly detached?: boolean;
  readonly readyTimeoutMs?: number;
  /** Receives every line the server logs (it logs to stderr). */
  readonly onLog?: (line: string) => void;
}

/** A running nats-server child process. */
export interface NatsServerProcess {
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly storeDir: string;
  readonly pid: number;
  readonly version: string | undefined;
  /** Resolves with the exit code (or null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Graceful stop (SIGTERM), waits for exit. */
  stop(): Promise<void>;
  /** Hard kill (SIGKILL), waits for exit: a crash as far as clients can tell. */
  kill(): Promise<void>;
  /** The last lines the server logged, for error messages. */
  recentLog(): string;
}

function configText(options: StartNatsServerOptions, host: string, port: number): string {
  const lines = [`listen: "${host}:${port === 0 ? -1 : port}"`];
  if (options.serverName) lines.push(`server_name: "${options.serverName}"`);
  if (options.jetstream ?? true) {
    lines.push("jetstream {", `  store_dir: ${JSON.stringify(options.storeDir)}`);
    if (options.syncInterval) lines.push(`  sync_interval: ${options.syncInterval}`);
    lines.push("}");
  }
  if (options.authorization) lines.push(options.authorization);
  return `${lines.join("\n")}\n`;
}

/**
 * `startNatsServer` writes a config file, starts nats-server and resolves once it prints "Server is ready",
 * with the port it actually listens on. It rejects with the server's own log when it exits or stalls first.
 */
export function startNatsServer(options: StartNatsServerOptions): Promise<NatsServerProcess> {
  const host = options.host ?? "127.0.0.1";
  mkdirSync(options.storeDir, { recursive: true });
  const configFile = join(options.storeDir, "nats-server.conf");
  writeFileSync(configFile, configText(options, host, options.port ?? 0));

  const child = spawn(options.bin, ["-c", configFile], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: options.detached ?? false,
    ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
  });
  const log: string[] = [];
  let port = options.port ?? 0;
  let version: string | undefined;
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  return new Promise<NatsServerProcess>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(
      () => fail(`nats-server did not become ready in ${options.readyTimeoutMs ?? 15_000} ms`),
      options.readyTimeoutMs ?? 15_000,
    );

    function fail(message: string): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new NatsServerStartError(`${message}\n--- nats-server log ---\n${log.slice(-30).join("\n")}`));
    }

    let buffered = "";
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString("utf8");
      let nl = buffered.indexOf("\n");
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf("\n");
        log.push(line);
        if (log.length > 200) log.shift();
        options.onLog?.(line);
        const listening = /Listening for client connections on (.+):(\d+)/.exec(line);
        if (listening) port = Number(listening[2]);
        const ver = /Version:\s+(\S+)/.exec(line);
        if (ver) version = ver[1];
        if (!settled && line.includes("Server is ready")) {
          settled = true;
          clearTimeout(timer);
          resolve(handle(child, { host, port, storeDir: options.storeDir, version, exited, log }));
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", (err) => fail(`could not run ${options.bin}: ${err.message}`));
    void exited.then((code) => fail(`nats-server exited with code ${code} before it was ready`));
  });
}

function handle(
  child: ChildProcess,
  s: {
    host: string;
    port: number;
    storeDir: string;
    version: string | undefined;
    exited: Promise<number | null>;
    log: string[];
  },
): NatsServerProcess {
  let done = false;
  void s.exited.then(() => {
    done = true;
  });
  const stopWith = async (signal: NodeJS.Signals): Promise<void> => {
    if (done) return;
    child.kill(signal);
    await s.exited;
  };
  return {
    url: `nats://${s.host}:${s.port}`,
    host: s.host,
    port: s.port,
    storeDir: s.storeDir,
    pid: child.pid ?? -1,
    version: s.version,
    exited: s.exited,
    stop: () => stopWith("SIGTERM"),
    kill: () => stopWith("SIGKILL"),
    recentLog: () => s.log.slice(-30).join("\n"),
  };
}
