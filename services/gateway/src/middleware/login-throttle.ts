export interface LoginThrottleOptions {
  /** Failed logins an account may have before each further attempt waits. */
  readonly freeFailures: number;
  /** The wait after the first failure past the free ones; it doubles with each further failure. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Beyond this many accounts the oldest are forgotten (a flood of made-up emails cannot exhaust memory). */
  readonly maxAccounts: number;
  readonly now?: () => number;
}

interface Failures {
  count: number;
  /** Epoch ms before which the account's next attempt is refused unread. */
  until: number;
  lastAt: number;
}

/**
 * `LoginThrottle` counts failed logins per account (in this process): after `freeFailures` the account's
 * next attempt must wait, `baseDelayMs` at first and twice as long after each further failure, up to
 * `maxDelayMs`. An attempt during the wait is refused without trying the password, so guessing one
 * account's password goes no faster from many addresses than from one. A successful login clears the
 * account's failures, and never counts as one. An account quiet for `maxDelayMs` after its last failure is
 * forgotten.
 */
export class LoginThrottle {
  readonly #accounts = new Map<string, Failures>();
  readonly #o: LoginThrottleOptions;
  readonly #now: () => number;

  constructor(options: LoginThrottleOptions) {
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#accounts.size;
  }

  /** Whole seconds the account must wait before its next attempt (0: it may try now). */
  waitSeconds(account: string): number {
    const entry = this.#accounts.get(account);
    if (!entry) return 0;
    const now = this.#now();
    if (now - entry.lastAt >= this.#o.maxDelayMs && now >= entry.until) {
      this.#accounts.delete(account);
      return 0;
    }
    return entry.until > now ? Math.ceil((entry.until - now) / 1000) : 0;
  }

  /** Records a failed attempt (a wrong password) and starts the account's wait. */
  failed(account: string): void {
    const now = this.#now();
    let entry = this.#accounts.get(account);
    if (!entry) {
      if (this.#accounts.size >= this.#o.maxAccounts) this.#forgetOldest();
      entry = { count: 0, until: 0, lastAt: now };
      this.#accounts.set(account, entry);
    }
    entry.count++;
    entry.lastAt = now;
    const over = entry.count - this.#o.freeFailures;
    if (over > 0) {
      const delay = Math.min(this.#o.maxDelayMs, this.#o.baseDelayMs * 2 ** Math.min(over - 1, 30));
      entry.until = now + delay;
    }
  }

  /** A successful login: the account starts afresh. */
  succeeded(account: string): void {
    this.#accounts.delete(account);
  }

  #forgetOldest(): void {
    // Map iteration follows insertion order: the first key was added longest ago.
    const oldest = this.#accounts.keys().next();
    if (!oldest.done) this.#accounts.delete(oldest.value);
  }
}

/** `accountKey` is how the throttle names an account: its email as users compares it (trimmed, lower case). */
export function accountKey(email: string): string {
  return email.trim().toLowerCase();
}
