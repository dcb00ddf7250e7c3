import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream, mkdirSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";

export interface ManagedProcessOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The whole environment (nothing is inherited that is not listed). */
  readonly env: Readonly<Record<string, string>>;
  /** Output is appended here, across restarts. */
  readonly logFile: string;
  /** Each output line, for readiness checks. */
  readonly onLine?: (line: string) => void;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One run of a program in its own process group: a crash, a freeze or a stop reaches all of it. */
export interface ManagedProcess {
  readonly pid: number;
  readonly exited: Promise<ExitStatus>;
  readonly running: boolean;
  /** SIGKILL to the group: a crash, nothing flushed. */
  kill(): Promise<ExitStatus>;
  /** SIGTERM to the group, then SIGKILL after `graceMs`. */
  stop(graceMs: number): Promise<ExitStatus>;
  /** SIGSTOP / SIGCONT to the group: the process holds everything and does nothing. */
  freeze(): void;
  thaw(): void;
  /** The last lines of output, for error messages. */
  tail(): string;
}

const groups = new Set<number>();
let reaperInstalled = false;

/** A harness that dies (an error, Ctrl-C) leaves no process of the system behind. */
function reapOnExit(pid: number): void {
  groups.add(pid);
  if (reaperInstalled) return;
  reaperInstalled = true;
  process.once("exit", () => {
    for (const group of groups) signalGroup(group, "SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const group of groups) signalGroup(group, "SIGKILL");
      process.exit(130);
    });
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/**
 * `startManagedProcess` spawns a program detached (its own process group), with only the environment
 * given, and appends its output to a log file that survives its restarts.
 */
export function startManagedProcess(options: ManagedProcessOptions): ManagedProcess {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log: WriteStream = createWriteStream(options.logFile, { flags: "a" });
  const child: ChildProcess = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: { ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pid = child.pid ?? -1;
  if (pid > 0) reapOnExit(pid);
  const recent: string[] = [];
  let running = pid > 0;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => {
      running = false;
      groups.delete(pid);
      resolve({ code, signal });
    });
    // Output may still be in the pipes when the process exits: the log closes with them.
    child.once("close", () => log.end());
    child.once("error", (err) => {
      running = false;
      log.end(`spawn failed: ${err.message}\n`);
      resolve({ code: -1, signal: null });
    });
  });
  const forward = (stream: NodeJS.ReadableStream | null): void => {
    let buffered = "";
    stream?.on("data", (chunk: Buffer) => {
      if (!log.writableEnded) log.write(chunk);
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        recent.push(line);
        if (recent.length > 40) recent.shift();
        options.onLine?.(line);
      }
    });
  };
  forward(child.stdout);
  forward(child.stderr);
  return {
    pid,
    exited,
    get running() {
      return running;
    },
    async kill() {
      if (running) signalGroup(pid, "SIGKILL");
      return exited;
    },
    async stop(graceMs) {
      if (!running) return exited;
      signalGroup(pid, "SIGCONT");
      signalGroup(pid, "SIGTERM");
      const timer = setTimeout(() => signalGroup(pid, "SIGKILL"), graceMs);
      const status = await exited;
      clearTimeout(timer);
      return status;
    },
    freeze: () => signalGroup(pid, "SIGSTOP"),
    thaw: () => signalGroup(pid, "SIGCONT"),
    tail: () => recent.join("\n"),
  };
}
