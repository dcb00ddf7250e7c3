/** Said when the gateway's rate limit stops the demo: what happened, and what to do. */
export class RateLimitedError extends Error {
  override readonly name = "RateLimitedError";
}

/** Seconds the gateway asks to wait: Retry-After is seconds or an HTTP date; 1 when unreadable. */
export function retryAfterSeconds(value: string | null, now: number = Date.now()): number {
  if (value && /^\d+$/.test(value.trim())) return Math.max(1, Number(value.trim()));
  const at = value ? Date.parse(value) : Number.NaN;
  return Number.isFinite(at) ? Math.max(1, Math.ceil((at - now) / 1000)) : 1;
}

/** A small JSON client for the public API, as any HTTP client would use it. */
export class DemoClient {
  token: string | undefined;

  constructor(
    readonly baseUrl: string,
    /** The longest Retry-After waited out; a longer one stops the demo with a clear message. */
    readonly maxWaitSeconds = 60,
    readonly log: (line: string) => void = (line) => console.log(line),
  ) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: unknown }> {
    for (;;) {
      const res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      if (res.status === 429) {
        // The rate limiter answered before the route ran: the same request can be sent again.
        const seconds = retryAfterSeconds(res.headers.get("retry-after"));
        const what = `${method} ${path} was rate-limited by the gateway (HTTP 429 Too Many Requests)`;
        if (seconds > this.maxWaitSeconds)
          throw new RateLimitedError(
            `${what}; it asks to wait ${seconds} s. Try again then, or raise the limit (RATE_LIMIT_AUTH, RATE_LIMIT_USER; \`pnpm dev\` sets generous ones).`,
          );
        this.log(`  … ${what}; waiting ${seconds} s as its Retry-After says`);
        await new Promise((r) => setTimeout(r, seconds * 1000));
        continue;
      }
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON
      }
      return { status: res.status, body: parsed };
    }
  }

  get(path: string) {
    return this.request("GET", path);
  }

  post(path: string, body: unknown, headers?: Record<string, string>) {
    return this.request("POST", path, body, headers);
  }

  /** Polls a GET until `done(body)` holds (the saga and the read model settle asynchronously). */
  async waitFor(path: string, done: (body: unknown) => boolean, timeoutMs = 30_000): Promise<unknown> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.get(path);
      if (res.status === 200 && done(res.body)) return res.body;
      if (Date.now() > until)
        throw new Error(
          `GET ${path} did not settle in ${timeoutMs} ms (last: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)})`,
        );
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
