import { setTimeout as delay } from "node:timers/promises";

export interface WaitUntilOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Named in the timeout's error. */
  readonly what: string;
  /** Stops waiting early with this error (the process it waits for exited, say). */
  readonly abandon?: () => string | undefined;
}

/** `waitUntil` polls `check` until it returns true, and throws naming `what` when the time is up. */
export async function waitUntil(
  check: () => Promise<boolean> | boolean,
  options: WaitUntilOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await check()) return;
    const reason = options.abandon?.();
    if (reason) throw new Error(`${options.what}: ${reason}`);
    if (Date.now() > deadline) throw new Error(`${options.what}: not within ${options.timeoutMs} ms`);
    await delay(options.intervalMs ?? 100);
  }
}

/** `answers` is whether `url` answers `status` right now (within a second). */
export async function answers(url: string, status = 200): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.status === status;
  } catch {
    return false;
  }
}
