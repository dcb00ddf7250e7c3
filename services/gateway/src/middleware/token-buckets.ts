/** The outcome of taking one token. */
export interface Take {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** Seconds until the bucket is full again (the `reset` of the RateLimit header). */
  readonly resetSeconds: number;
  /** Seconds until one token is available (the `Retry-After` of a refusal). */
  readonly retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export interface TokenBucketsOptions {
  /** Burst size, and requests per window on average. */
  readonly capacity: number;
  readonly windowMs: number;
  /** Beyond this many buckets the oldest are dropped (a flood of new IPs cannot exhaust memory). */
  readonly maxBuckets: number;
  readonly now?: () => number;
}

/**
 * `TokenBuckets` is an in-memory token bucket per key: `capacity` tokens, refilled continuously at
 * `capacity` per window. Buckets live in this process only (each gateway instance limits on its own).
 * Idle buckets are swept once per window: a bucket that has refilled completely is the same as no bucket.
 */
export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #windowMs: number;
  readonly #maxBuckets: number;
  readonly #now: () => number;
  #sweptAt: number;

  constructor(options: TokenBucketsOptions) {
    this.#capacity = options.capacity;
    this.#windowMs = options.windowMs;
    this.#perMs = options.capacity / options.windowMs;
    this.#maxBuckets = options.maxBuckets;
    this.#now = options.now ?? Date.now;
    this.#sweptAt = this.#now();
  }

  get size(): number {
    return this.#buckets.size;
  }

  take(key: string): Take {
    const now = this.#now();
    if (now - this.#sweptAt >= this.#windowMs) this.#sweep(now);
    let bucket = this.#buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.updatedAt) * this.#perMs);
      bucket.updatedAt = now;
    } else {
      if (this.#buckets.size >= this.#maxBuckets) this.#evictOldest();
      bucket = { tokens: this.#capacity, updatedAt: now };
      this.#buckets.set(key, bucket);
    }
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    return {
      allowed,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((this.#capacity - bucket.tokens) / this.#perMs / 1000),
      retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000)),
    };
  }

  /** Gives back one token taken for `key` (a request that turned out not to count). */
  refund(key: string): void {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.#capacity, bucket.tokens + 1);
  }

  #sweep(now: number): void {
    this.#sweptAt = now;
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.#perMs >= this.#capacity) this.#buckets.delete(key);
    }
  }

  #evictOldest(): void {
    // Map iteration follows insertion order: the first key is the bucket created longest ago.
    const oldest = this.#buckets.keys().next();
    if (!oldest.done) this.#buckets.delete(oldest.value);
  }
}
