import { type BazaarClient, createBazaarClient, type RetryEvent, retryAfterMs } from "@bazaar/client";

/** Said when the gateway's rate limit stops the demo: what happened, and what to do. */
export class RateLimitedError extends Error {
  override readonly name = "RateLimitedError";
}

export interface DemoClientOptions {
  readonly baseUrl: string;
  /** The longest Retry-After waited out; a longer one stops the demo with a clear message. */
  readonly maxWaitSeconds?: number;
  readonly log?: (line: string) => void;
}

/** `METHOD /path?query` of a request, as the demo names it. */
function requestName(method: string, url: string): string {
  const { pathname, search } = new URL(url);
  return `${method} ${pathname}${search}`;
}

function rateLimited(method: string, url: string): string {
  return `${requestName(method, url)} was rate-limited by the gateway (HTTP 429 Too Many Requests)`;
}

/**
 * `createDemoClient` is the public client (`@bazaar/client`) with the demo's manners: a 429 is waited
 * out as its Retry-After says (the rate limiter answered before the route ran, so the same request, with
 * the same Idempotency-Key, can be sent again), and one that asks for longer than `maxWaitSeconds` stops
 * the demo with a `RateLimitedError` that says what to do.
 */
export function createDemoClient(options: DemoClientOptions): BazaarClient {
  const { baseUrl, maxWaitSeconds = 60, log = (line) => console.log(line) } = options;
  const onRetry = (e: RetryEvent): void => {
    if (e.status !== 429) return;
    log(
      e.retryAfterMs === undefined
        ? `  … ${rateLimited(e.method, e.url)}; trying again in ${e.delayMs} ms`
        : `  … ${rateLimited(e.method, e.url)}; waiting ${Math.max(1, Math.ceil(e.retryAfterMs / 1000))} s as its Retry-After says`,
    );
  };
  return createBazaarClient({
    baseUrl,
    retry: { maxAttempts: 6, maxRetryAfterMs: maxWaitSeconds * 1000, onRetry },
    middleware: [
      {
        // A 429 that reaches here is one the client would not (or no longer) wait for.
        onResponse({ request, response }) {
          if (response.status !== 429) return undefined;
          const seconds = Math.max(
            1,
            Math.ceil((retryAfterMs(response.headers.get("retry-after")) ?? 1000) / 1000),
          );
          throw new RateLimitedError(
            `${rateLimited(request.method, request.url)}; it asks to wait ${seconds} s. Try again then, or raise the limit (RATE_LIMIT_AUTH, RATE_LIMIT_USER; \`pnpm dev\` sets generous ones).`,
          );
        },
      },
    ],
  });
}

/** What a typed call returns, as far as polling needs it. */
interface Answer<T> {
  readonly data?: T;
  readonly error?: unknown;
  readonly response: Response;
}

/**
 * `waitFor` repeats a GET until `done(data)` holds (the saga and the read model settle asynchronously),
 * failing with the last answer after `timeoutMs`.
 */
export async function waitFor<T>(options: {
  readonly read: () => Promise<Answer<T>>;
  readonly done: (data: T) => boolean;
  readonly timeoutMs?: number;
}): Promise<T> {
  const { read, done, timeoutMs = 30_000 } = options;
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await read();
    if (res.data !== undefined && done(res.data)) return res.data;
    if (Date.now() > until)
      throw new Error(
        `${res.response.url ? `GET ${new URL(res.response.url).pathname}` : "the request"} did not settle in ${timeoutMs} ms (last: HTTP ${res.response.status} ${JSON.stringify(res.data ?? res.error).slice(0, 300)})`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
