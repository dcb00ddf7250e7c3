export interface RestartBackoff {
  readonly firstMs: number;
  readonly maxMs: number;
  /** After running this long, a crash counts as the first again. */
  readonly stableMs: number;
}

/** Restarts of a crashed service: 1 s, doubling to 30 s; a service that stayed up a minute starts over. */
export const RESTART_BACKOFF: RestartBackoff = { firstMs: 1000, maxMs: 30_000, stableMs: 60_000 };

/**
 * `restartDelay` is how long to wait before restart number `restart` (1 for the first) of a service that
 * crashed, so a service that fails at once does not spin while a transient failure is retried soon.
 */
export function restartDelay(restart: number, backoff: RestartBackoff = RESTART_BACKOFF): number {
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.max(0, restart - 1));
}
