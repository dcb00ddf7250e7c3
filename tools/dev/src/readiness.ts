import type { ExitStatus, ServiceProcess } from "./process-runner.js";

/** A process that exited or never became ready while starting; the message carries its last lines. */
export class StartFailedError extends Error {
  override readonly name = "StartFailedError";
}

function describeExit(status: ExitStatus): string {
  return status.signal ? `killed by ${status.signal}` : `exit code ${status.code}`;
}

function withLastLines(message: string, proc: ServiceProcess): string {
  const lines = proc.recentLines();
  if (lines.length === 0) return `${message} (it printed nothing)`;
  return `${message}; its last lines:\n${lines.map((l) => `    ${l}`).join("\n")}`;
}

/**
 * `waitForReady` resolves once every URL answers `/health/ready` with 200, and fails at once, with the
 * process's last lines, if the process exits first (a bad variable, a syntax error): no waiting out the
 * timeout for a process that is already gone.
 */
export async function waitForReady(options: {
  readonly proc: ServiceProcess;
  readonly urls: readonly string[];
  readonly timeoutMs?: number;
}): Promise<void> {
  const { proc } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let exit: ExitStatus | undefined;
  void proc.exited.then((status) => {
    exit = status;
  });
  const pending = new Set(options.urls);
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (exit)
      throw new StartFailedError(
        withLastLines(`${proc.name} exited during start-up (${describeExit(exit)})`, proc),
      );
    for (const url of [...pending]) {
      try {
        const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2000) });
        await res.body?.cancel();
        if (res.ok) pending.delete(url);
      } catch {
        // not listening yet
      }
    }
    if (pending.size === 0) return;
    await Promise.race([new Promise((r) => setTimeout(r, 100)), proc.exited]);
  }
  throw new StartFailedError(
    withLastLines(`${proc.name} was not ready at ${[...pending].join(", ")} within ${timeoutMs} ms`, proc),
  );
}
