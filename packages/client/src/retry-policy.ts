/** What a retry is about to do, for logs and progress lines. */
export interface RetryEvent {
  readonly method: string;
  readonly url: string;
  /** The attempt that failed, from 1. */
  readonly attempt: number;
  /** How long the client waits before the next attempt. */
  readonly delayMs: number;
  /** The status that is retried (429, 503, 504); absent when the attempt got no answer. */
  readonly status?: number;
  /** The wait the answer's `Retry-After` asked for, when it had one (then `delayMs` is that wait). */
  readonly retryAfterMs?: number;
  /** The network error or attempt timeout that is retried; absent when there was an answer. */
  readonly error?: unknown;
  /** The key every attempt of a command carries. */
  readonly idempotencyKey?: string;
}

export interface RetryOptions {
  /** Attempts in all, the first included; 1 turns retrying off. */
  readonly maxAttempts?: number;
  /**
   * How long an attempt may wait for the response's status and headers before it is aborted and retried.
   * Reading the body is not limited, so a long-lived stream is not cut.
   */
  readonly attemptTimeoutMs?: number;
  /** The first backoff; each later one doubles, up to `maxDelayMs`, with jitter. */
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  /** The longest `Retry-After` waited out; a longer one ends the retries with that response. */
  readonly maxRetryAfterMs?: number;
  readonly onRetry?: (event: RetryEvent) => void;
}

/**
 * The defaults. The attempt timeout is above the gateway's own route deadline (8 s), so a slow route is
 * answered by the gateway's 504 (which is retried) rather than cut by the client.
 */
export const RETRY_DEFAULTS = {
  maxAttempts: 4,
  attemptTimeoutMs: 15_000,
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  maxRetryAfterMs: 30_000,
} as const;

export type RetryPolicy = Required<Omit<RetryOptions, "onRetry">> & Pick<RetryOptions, "onRetry">;

/** `retryPolicy` fills in the defaults and refuses settings that would never send or never stop. */
export function retryPolicy(options: RetryOptions | false = {}): RetryPolicy {
  const policy: RetryPolicy = { ...RETRY_DEFAULTS, ...(options === false ? { maxAttempts: 1 } : options) };
  for (const key of Object.keys(RETRY_DEFAULTS) as Array<keyof typeof RETRY_DEFAULTS>) {
    const value = policy[key];
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`retry.${key} must be a finite number ≥ 0`);
  }
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1)
    throw new RangeError("retry.maxAttempts must be a whole number ≥ 1");
  return policy;
}

/** Statuses that say "not now" rather than "no": the same request may be sent again. */
export const RETRIED_STATUSES: ReadonlySet<number> = new Set([429, 503, 504]);

/**
 * `backoffMs` is the wait after failed attempt `attempt` (from 1): exponential, capped, with "equal
 * jitter" (half fixed, half random) so clients that failed together do not retry together.
 */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
