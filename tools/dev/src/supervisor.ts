import type { ExitStatus, ServiceProcess } from "./process-runner.js";
import { RESTART_BACKOFF, type RestartBackoff, restartDelay } from "./restart-backoff.js";

export interface SupervisorOptions {
  readonly name: string;
  /** Starts one process (again). */
  readonly spawn: () => ServiceProcess;
  /** Resolves when a process is ready; rejects (with its last lines) if it exits first. */
  readonly ready: (proc: ServiceProcess) => Promise<void>;
  /** Restart a process that exits on its own after it was ready. */
  readonly restartOnCrash: boolean;
  readonly backoff?: RestartBackoff;
  /** What happened, in a sentence: crashes, restarts, reloads. */
  readonly onEvent: (message: string) => void;
  /** How long a stop waits before SIGKILL. */
  readonly graceMs: number;
}

/** A service kept running: started, restarted after a crash (with backoff) or a change, stopped. */
export interface Supervised {
  readonly name: string;
  /** The process running now, if any. */
  current(): ServiceProcess | undefined;
  /** Crash restarts so far. */
  restarts(): number;
  /** First start: resolves when ready, rejects at once if the process exits during start-up. */
  start(): Promise<void>;
  /** Restart now, gracefully (a source file changed). */
  reload(reason: string): Promise<void>;
  stop(): Promise<void>;
  /** SIGKILL, and no restart (crash tests). */
  kill(): Promise<void>;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
const describe = (s: ExitStatus): string => (s.signal ? `killed by ${s.signal}` : `exit code ${s.code}`);

/**
 * `supervise` owns one service's process for the dev runner. A process that crashes after it was ready is
 * restarted after 1 s, 2 s, 4 s … 30 s (a service that stayed up a minute starts over at 1 s); one that
 * fails to start after an edit waits for the next edit, as a watcher would.
 */
export function supervise(options: SupervisorOptions): Supervised {
  const backoff = options.backoff ?? RESTART_BACKOFF;
  let proc: ServiceProcess | undefined;
  let wanted = false;
  let crashes = 0;
  let streak = 0;
  let readyAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let generation = 0;

  const launch = (reason: "start" | "crash" | "reload"): Promise<void> => {
    const mine = ++generation;
    const p = options.spawn();
    proc = p;
    let ready = false;
    void p.exited.then((status) => {
      if (mine !== generation || !wanted) return;
      proc = undefined;
      if (!ready && reason === "start") return; // the first start's caller reports it
      if (!ready && reason === "reload") {
        options.onEvent(`${options.name} exited during start-up (${describe(status)}); waiting for a change`);
        return;
      }
      if (!options.restartOnCrash) {
        options.onEvent(`${options.name} exited (${describe(status)})`);
        return;
      }
      streak = ready && Date.now() - readyAt >= backoff.stableMs ? 1 : streak + 1;
      crashes++;
      const delay = restartDelay(streak, backoff);
      options.onEvent(
        `${options.name} ${ready ? "crashed" : "failed to start again"} (${describe(status)}); restarting in ${seconds(delay)} (restart ${crashes})`,
      );
      timer = setTimeout(() => {
        timer = undefined;
        if (wanted) void launch("crash").catch(() => undefined);
      }, delay);
    });
    return options.ready(p).then(() => {
      ready = true;
      readyAt = Date.now();
      if (reason === "crash") options.onEvent(`${options.name} is back (restart ${crashes})`);
    });
  };

  const halt = async (how: "stop" | "kill"): Promise<void> => {
    wanted = false;
    generation++;
    clearTimeout(timer);
    timer = undefined;
    const p = proc;
    proc = undefined;
    if (p) await (how === "stop" ? p.stop(options.graceMs) : p.kill());
  };

  return {
    name: options.name,
    current: () => proc,
    restarts: () => crashes,
    async start() {
      wanted = true;
      streak = 0;
      await launch("start");
    },
    async reload(reason) {
      if (!wanted) return;
      options.onEvent(`${options.name} restarting: ${reason}`);
      const p = proc;
      generation++;
      clearTimeout(timer);
      timer = undefined;
      proc = undefined;
      if (p) await p.stop(options.graceMs);
      if (!wanted) return;
      streak = 0;
      await launch("reload").catch(() => undefined);
    },
    stop: () => halt("stop"),
    kill: () => halt("kill"),
  };
}
