import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type ManagedProcess, startManagedProcess } from "./managed-process.js";
import { waitUntil } from "./wait-until.js";

export interface NatsNodeOptions {
  readonly bin: string;
  readonly name: string;
  readonly port: number;
  /** The cluster's route port of this node and of every node (this one included); none for a lone server. */
  readonly cluster?: { readonly port: number; readonly routes: readonly number[] };
  /** The node's folder: its config, its JetStream store. */
  readonly dir: string;
  readonly logDir: string;
  /** The `authorization {}` block: the broker's users and their permissions (see `brokerIdentities`). */
  readonly authorization: string;
  /** The server process's environment: the users' passwords the block reads. */
  readonly env: Readonly<Record<string, string>>;
  /** JetStream's `sync_interval`: `always` (production, fsync before every ack) or a period such as `2m`. */
  readonly syncInterval?: string;
}

/** One nats-server, restartable on the same port and store. */
export interface NatsNode {
  readonly name: string;
  readonly url: string;
  readonly running: boolean;
  start(): Promise<void>;
  /** The server's process id (-1 when not running), for its CPU and memory. */
  readonly pid: number;
  /** SIGKILL: what a crashed broker (or a lost machine) looks like to clients. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The server's configuration: JetStream fsyncs every write before acknowledging it (`sync_interval:
 * always`, the production setting, unless `syncInterval` names a period), every client is one of the broker's users with its permissions (the
 * committed, generated block production runs), and a cluster node routes to its peers.
 */
export function natsConfig(options: NatsNodeOptions): string {
  const lines = [
    `server_name: ${JSON.stringify(options.name)}`,
    `listen: "127.0.0.1:${options.port}"`,
    "jetstream {",
    `  store_dir: ${JSON.stringify(join(options.dir, "jetstream"))}`,
    `  sync_interval: ${options.syncInterval ?? "always"}`,
    "}",
  ];
  if (options.cluster) {
    const routes = options.cluster.routes.map((p) => JSON.stringify(`nats-route://127.0.0.1:${p}`));
    lines.push(
      "cluster {",
      '  name: "bazaar"',
      `  listen: "127.0.0.1:${options.cluster.port}"`,
      `  routes: [${routes.join(", ")}]`,
      "}",
    );
  }
  return `${lines.join("\n")}\n${options.authorization.trim()}\n`;
}

const READY_TIMEOUT_MS = 20_000;

/** `natsNode` runs one nats-server from a config file in its folder, logging to `<logDir>/nats-<name>.log`. */
export function natsNode(options: NatsNodeOptions): NatsNode {
  mkdirSync(options.dir, { recursive: true });
  const configFile = join(options.dir, "nats-server.conf");
  writeFileSync(configFile, natsConfig(options));
  let current: ManagedProcess | undefined;
  return {
    name: options.name,
    url: `nats://127.0.0.1:${options.port}`,
    get running() {
      return current?.running ?? false;
    },
    get pid() {
      return current?.running ? current.pid : -1;
    },
    async start() {
      if (current?.running) throw new Error(`nats ${options.name} is already running`);
      let seenReady = false;
      const proc = startManagedProcess({
        command: options.bin,
        args: ["-c", configFile],
        cwd: options.dir,
        env: { PATH: process.env.PATH ?? "", ...options.env },
        logFile: join(options.logDir, `nats-${options.name}.log`),
        onLine: (line) => {
          if (line.includes("Server is ready")) seenReady = true;
        },
      });
      current = proc;
      await waitUntil(() => seenReady, {
        timeoutMs: READY_TIMEOUT_MS,
        intervalMs: 50,
        what: `nats ${options.name} did not start`,
        abandon: () => (proc.running ? undefined : `it exited:\n${proc.tail()}`),
      });
    },
    async kill() {
      await current?.kill();
    },
    async stop() {
      await current?.stop(10_000);
    },
  };
}
