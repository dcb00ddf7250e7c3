import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

/** A process the viewer started, its output going to a log file (and the last lines kept for errors). */
export interface Child {
  readonly process: ChildProcess;
  readonly logFile: string;
  /** The last lines it printed, for an error message. */
  tail(): string;
  /** Resolves with the exit code (or signal) once it has exited. */
  readonly exited: Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

const living = new Set<ChildProcess>();
let exitHookInstalled = false;

// `startChild` children must not outlive the Node process that started them (a test worker that is
// killed, a Ctrl-C): on exit, whatever is still running gets SIGKILL.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const child of living) child.kill("SIGKILL");
  });
}

export function startChild(o: {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
}): Child {
  installExitHook();
  const log = createWriteStream(o.logFile, { flags: "a" });
  const lines: string[] = [];
  const child = spawn(o.command, o.args, {
    env: o.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  living.add(child);
  const keep = (chunk: Buffer): void => {
    log.write(chunk);
    lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
    if (lines.length > 40) lines.splice(0, lines.length - 40);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<string>((resolve) => {
    child.once("error", (err) => {
      lines.push(String(err));
      living.delete(child);
      resolve(`error ${err.message}`);
    });
    child.once("exit", (code, signal) => {
      living.delete(child);
      log.end();
      resolve(signal ? `signal ${signal}` : `exit ${code}`);
    });
  });
  return {
    process: child,
    logFile: o.logFile,
    tail: () => lines.slice(-15).join("\n"),
    exited,
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
