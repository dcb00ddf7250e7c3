import { type ChildProcess, spawn } from "node:child_process";

/** A service started from its deploy folder with `npm start`, as a container or a VM would run it. */
export interface FolderProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM to the process group (npm, its shell, node), then SIGKILL if it has not exited in time. */
  stop(): Promise<void>;
}

const running = new Set<number>();
let cleanupInstalled = false;

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function track(pid: number): void {
  running.add(pid);
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  // A failed or aborted test never leaves a service behind.
  process.once("exit", () => {
    for (const p of running) killGroup(p, "SIGKILL");
  });
}

/**
 * `startFolder` runs `npm start` in `dir` with only `env` (plus PATH and HOME, which npm itself needs) and
 * resolves with the HTTP URL from the service's JSON log line `<name> <version> started`.
 */
export function startFolder(
  dir: string,
  name: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<FolderProcess> {
  const child = spawn("npm", ["start", "--silent"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const pid = child.pid as number;
  track(pid);
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(pid, "SIGTERM");
    const timer = setTimeout(() => killGroup(pid, "SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
    running.delete(pid);
  };
  const started = new RegExp(`^${name} \\S+ started$`);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not start from ${dir} in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString("utf8");
      for (const line of output.split("\n")) {
        if (!line.startsWith("{")) continue;
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg && started.test(entry.msg) && entry.url) {
            clearTimeout(timer);
            resolve({ url: entry.url, child, output: () => output, stop });
            return;
          }
        } catch {
          // a partial line; the next chunk completes it
        }
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it started:\n${output}`));
    });
  });
}

/** `waitForStatus` polls `url` until it answers `status` (readiness takes a moment after start-up). */
export async function waitForStatus(url: string, status: number, timeoutMs = 20_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(url).catch(() => undefined);
    if (response?.status === status) return response;
    if (Date.now() > deadline) {
      throw new Error(
        `${url} answered ${response?.status ?? "nothing"}${response ? `: ${await response.text()}` : ""}`,
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
