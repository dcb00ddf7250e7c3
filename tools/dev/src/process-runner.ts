import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { findRepoRoot } from "@bazaar/nats-tools";

export interface ServiceProcessOptions {
  readonly name: string;
  readonly env: Record<string, string>;
  /** Restart the service when one of its files (or a package it imports) changes. */
  readonly watch: boolean;
  /** Each line the service prints, for the caller to prefix and show. */
  readonly onLine: (line: string) => void;
}

/** Children still running: killed if the runner itself exits abruptly, so none is left behind. */
const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** One service running as its own process (the microservices deployment). */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (graceful), then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/**
 * `startServiceProcess` runs `services/<name>/src/main.ts` with Node and tsx, exactly as `node dist/main.js`
 * would run in production but from source (and with `tsx watch` for hot reload in development).
 */
export function startServiceProcess(options: ServiceProcessOptions): ServiceProcess {
  const cwd = join(findRepoRoot(), "services", options.name);
  const tsx = join(cwd, "node_modules", ".bin", "tsx");
  const args = options.watch
    ? [tsx, "watch", "--clear-screen=false", "--conditions=@bazaar/source", "src/main.ts"]
    : ["--conditions=@bazaar/source", "--import", "tsx", "src/main.ts"];
  // Each service runs in its own process group, so a terminal's Ctrl-C reaches only the runner, which then
  // stops the services one by one (a second signal would make a service exit without draining).
  const spawnOptions = {
    cwd,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"],
    detached: true,
  };
  const child: ChildProcess = options.watch
    ? spawn(args[0] as string, args.slice(1), spawnOptions)
    : spawn(process.execPath, args, spawnOptions);
  children.add(child);
  child.once("exit", () => children.delete(child));
  const forward = (stream: NodeJS.ReadableStream | null): void => {
    let buffered = "";
    stream?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString("utf8");
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) options.onLine(line);
    });
  };
  forward(child.stdout);
  forward(child.stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    name: options.name,
    pid: child.pid ?? -1,
    exited,
    async stop(graceMs = 15_000) {
      if (done) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (done) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}
