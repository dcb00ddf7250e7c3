import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { findRepoRoot } from "@bazaar/nats-tools";
import { PARENT_PID_VARIABLE } from "./parent-pid.js";

/** How many of a process's last lines are kept, for the message when it fails to start. */
const RECENT_LINES = 20;

export interface ChildProcessOptions {
  readonly name: string;
  readonly cwd: string;
  /** Node's arguments after the ones every child gets (source conditions, tsx, the parent watch). */
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  /** Each line the process prints, for the caller to prefix and show. */
  readonly onLine: (line: string) => void;
}

export interface ServiceProcessOptions {
  readonly name: string;
  /** Its folder from the repo root (the registry's `folder`: `services/<name>`). */
  readonly folder: string;
  readonly env: Record<string, string>;
  readonly onLine: (line: string) => void;
}

export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One process the runner started (a service, or the monolith). */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  /** Resolves when the process has exited and its output is read. */
  readonly exited: Promise<ExitStatus>;
  /** Its last lines of output (stdout and stderr), oldest first. */
  recentLines(): readonly string[];
  /** SIGTERM (graceful), then SIGKILL to its whole process group after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL to its process group: a crash. */
  kill(): Promise<void>;
}

/** Children still running: killed with their process groups if the runner itself exits abruptly. */
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) killGroup(child, "SIGKILL");
});

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid: the group, so nothing the process started itself is left behind.
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** The module every child preloads so it stops itself when the runner dies (see `exit-with-parent.ts`). */
const exitWithParent = new URL("./exit-with-parent.ts", import.meta.url).href;

/**
 * `startChildProcess` runs a TypeScript entry with Node and tsx in its own process group (a terminal's
 * Ctrl-C reaches the runner, which stops children in order; a second signal would make one exit without
 * draining), told to stop by itself if the runner dies.
 */
export function startChildProcess(options: ChildProcessOptions): ServiceProcess {
  const args = [
    "--conditions=@bazaar/source",
    "--import",
    "tsx",
    "--import",
    exitWithParent,
    ...options.args,
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env, [PARENT_PID_VARIABLE]: String(process.pid) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  children.add(child);
  const recent: string[] = [];
  const forward = (stream: NodeJS.ReadableStream | null): void => {
    let buffered = "";
    stream?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        if (!line.trim()) continue;
        recent.push(line);
        if (recent.length > RECENT_LINES) recent.shift();
        options.onLine(line);
      }
    });
  };
  forward(child.stdout);
  forward(child.stderr);
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once("exit", (code, signal) => {
      children.delete(child);
      // Its last lines may still be in the pipes: wait for them, briefly (a helper it started may hold them).
      const timer = setTimeout(() => resolve({ code, signal }), 250);
      child.once("close", () => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
    child.once("error", () => {
      children.delete(child);
      resolve({ code: null, signal: null });
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    name: options.name,
    pid: child.pid ?? -1,
    exited,
    recentLines: () => [...recent],
    async stop(graceMs = 15_000) {
      if (done) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => killGroup(child, "SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (done) return;
      killGroup(child, "SIGKILL");
      await exited;
    },
  };
}

/**
 * `startServiceProcess` runs `<folder>/src/main.ts` (`services/<name>`), exactly as `node dist/main.js` would run in
 * production but from source.
 */
export function startServiceProcess(options: ServiceProcessOptions): ServiceProcess {
  return startChildProcess({
    name: options.name,
    cwd: join(findRepoRoot(), options.folder),
    args: ["src/main.ts"],
    env: options.env,
    onLine: options.onLine,
  });
}
