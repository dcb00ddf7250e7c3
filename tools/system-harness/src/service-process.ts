import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type ExitStatus, type ManagedProcess, startManagedProcess } from "./managed-process.js";
import { answers, waitUntil } from "./wait-until.js";

export interface ServiceProcessOptions {
  readonly name: string;
  /** The service's deploy folder. */
  readonly folder: string;
  readonly port: number;
  readonly env: Readonly<Record<string, string>>;
  readonly logDir: string;
  /** Called when the process exits without being killed or stopped: a crash of its own. */
  readonly onUnexpectedExit?: (status: ExitStatus, tail: string) => void;
}

/** One service of the system under test, from its deploy folder, restartable on the same port and data. */
export interface ServiceProcess {
  readonly name: string;
  readonly url: string;
  readonly running: boolean;
  /** The current process id (its group's), for faults that act on it; -1 when not running. */
  readonly pid: number;
  /**
   * Starts what `npm start` runs (`node <flags> dist/main.js`) and waits until it answers `/health/live`.
   * `extraEnv` applies to this start only (a skewed clock, say).
   */
  start(extraEnv?: Readonly<Record<string, string>>): Promise<void>;
  /** Waits for `/health/ready` = 200: its SQLite, NATS, JetStream and consumers are fine. */
  ready(timeoutMs: number): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
  freeze(): void;
  thaw(): void;
}

const START_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;

/**
 * The arguments of `node` that the folder's `npm start` gives (`node <flags> dist/main.js`): the harness
 * runs the production command itself, without npm in between, so signals reach the service directly.
 */
export function startArgs(folder: string): string[] {
  const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8")) as {
    scripts?: { start?: string };
  };
  const [command, ...args] = (manifest.scripts?.start ?? "").trim().split(/\s+/);
  if (command !== "node" || args.length === 0)
    throw new Error(`${folder}: its start script is not "node … dist/main.js"`);
  return args;
}

/**
 * `serviceProcess` runs a service as production does: what `npm start` runs in its folder, only the given
 * environment, its own process group; output goes to `<logDir>/<name>.log` across restarts.
 */
export function serviceProcess(options: ServiceProcessOptions): ServiceProcess {
  const url = `http://127.0.0.1:${options.port}`;
  let current: ManagedProcess | undefined;
  // Marks the current process's coming exit as the harness's doing.
  let expectExit = () => {};
  const alive = () => (current?.running ? current : undefined);
  return {
    name: options.name,
    url,
    get running() {
      return alive() !== undefined;
    },
    get pid() {
      return alive()?.pid ?? -1;
    },
    async start(extraEnv = {}) {
      if (alive()) throw new Error(`${options.name} is already running`);
      const proc = startManagedProcess({
        command: process.execPath,
        args: startArgs(options.folder),
        cwd: options.folder,
        env: { PATH: process.env.PATH ?? "", ...options.env, ...extraEnv },
        logFile: join(options.logDir, `${options.name}.log`),
      });
      current = proc;
      let meant = false;
      expectExit = () => {
        meant = true;
      };
      void proc.exited.then((status) => {
        if (!meant) options.onUnexpectedExit?.(status, proc.tail());
      });
      await waitUntil(() => answers(`${url}/health/live`), {
        timeoutMs: START_TIMEOUT_MS,
        what: `${options.name} did not start`,
        abandon: () => (proc.running ? undefined : `it exited:\n${proc.tail()}`),
      });
    },
    async ready(timeoutMs) {
      await waitUntil(() => answers(`${url}/health/ready`), {
        timeoutMs,
        intervalMs: 250,
        what: `${options.name} is not ready`,
        abandon: () => (alive() ? undefined : `it is not running:\n${current?.tail() ?? ""}`),
      });
    },
    async kill() {
      expectExit();
      await current?.kill();
    },
    async stop() {
      expectExit();
      await current?.stop(STOP_GRACE_MS);
    },
    freeze: () => alive()?.freeze(),
    thaw: () => alive()?.thaw(),
  };
}
