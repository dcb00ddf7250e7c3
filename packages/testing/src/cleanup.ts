/**
 * Processes a test started are killed when the test process exits, whatever the outcome,
 * so a failed or aborted suite never leaves a nats-server or service behind.
 */
const pids = new Set<number>();
let installed = false;

export function trackPid(pid: number): void {
  pids.add(pid);
  if (installed) return;
  installed = true;
  process.once("exit", () => {
    for (const p of pids) {
      try {
        process.kill(p, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });
}

export function untrackPid(pid: number): void {
  pids.delete(pid);
}
