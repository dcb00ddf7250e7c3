import { withIdempotencyKey } from "./idempotency.js";
import { retryAfterMs } from "./retry-after.js";
import { backoffMs, RETRIED_STATUSES, type RetryOptions, retryPolicy } from "./retry-policy.js";

/** Raised when an attempt had no response headers within `retry.attemptTimeoutMs` (after the last one). */
export class AttemptTimeoutError extends Error {
  override readonly name = "AttemptTimeoutError";
}

export interface ResilientFetchOptions {
  /** The transport; `globalThis.fetch` by default. */
  readonly fetch?: (request: Request) => Promise<Response>;
  readonly retry?: RetryOptions | false;
  /** Makes a fresh idempotency key; `crypto.randomUUID` by default. */
  readonly newKey?: () => string;
  /** For tests: the jitter's source. */
  readonly random?: () => number;
}

/**
 * `createResilientFetch` wraps a fetch so each request is sent until it gets a real answer: a command
 * gets an `Idempotency-Key` once, then network errors, attempt timeouts, 503, 504 and 429 are retried
 * with that same key, after a bounded backoff (or the `Retry-After` the gateway gave, if not too long).
 * Every other answer, 4xx included, is returned as it is: sending the same request again would only get
 * the same "no". A caller's own abort is never retried.
 *
 * @example
 * const fetch = createResilientFetch({ retry: { maxAttempts: 3 } });
 * await fetch(new Request("http://127.0.0.1:3000/api/orders", { method: "POST", body }));
 */
export function createResilientFetch(
  options: ResilientFetchOptions = {},
): (request: Request) => Promise<Response> {
  const { fetch: transport = globalThis.fetch, newKey, random = Math.random } = options;
  const policy = retryPolicy(options.retry);

  return async function resilientFetch(input: Request): Promise<Response> {
    // The caller's own signal, not a copy's: a copied Request's signal follows its source only while the
    // copy is alive, and the per-attempt clones are dropped as soon as they are sent.
    const callerSignal = input.signal;
    const request = withIdempotencyKey(input, newKey);
    const key = request.headers.get("Idempotency-Key") ?? undefined;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= policy.maxAttempts;
      let outcome: { response: Response } | { error: unknown };
      try {
        // A clone per attempt: the body can be read once, and a retry sends it again.
        outcome = {
          response: await attemptOnce({
            transport,
            request: last ? request : request.clone(),
            callerSignal,
            timeoutMs: policy.attemptTimeoutMs,
          }),
        };
      } catch (error) {
        if (last || callerSignal.aborted) throw error;
        outcome = { error };
      }
      let delayMs: number;
      let asked: number | undefined;
      if ("response" in outcome) {
        const { response } = outcome;
        if (last || !RETRIED_STATUSES.has(response.status)) return response;
        asked = retryAfterMs(response.headers.get("retry-after"));
        if (asked !== undefined && asked > policy.maxRetryAfterMs) return response;
        delayMs = asked ?? backoffMs(policy, attempt, random);
        // The answer is not used: free its connection before waiting.
        await response.body?.cancel().catch(() => undefined);
      } else {
        delayMs = backoffMs(policy, attempt, random);
      }
      policy.onRetry?.({
        method: request.method,
        url: request.url,
        attempt,
        delayMs,
        ...("response" in outcome ? { status: outcome.response.status } : { error: outcome.error }),
        ...(asked === undefined ? {} : { retryAfterMs: asked }),
        ...(key === undefined ? {} : { idempotencyKey: key }),
      });
      await sleep(delayMs, callerSignal);
    }
  };
}

/**
 * `attemptOnce` sends one attempt, aborting it when its headers are later than `timeoutMs`. The timer
 * stops once the headers are in, so the body (a stream, maybe) reads for as long as it takes.
 */
async function attemptOnce(options: {
  readonly transport: (request: Request) => Promise<Response>;
  readonly request: Request;
  readonly callerSignal: AbortSignal;
  readonly timeoutMs: number;
}): Promise<Response> {
  const { transport, request, callerSignal, timeoutMs } = options;
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new AttemptTimeoutError(`no response within ${timeoutMs} ms`)),
    timeoutMs,
  );
  try {
    return await transport(
      new Request(request, { signal: AbortSignal.any([callerSignal, controller.signal]) }),
    );
  } catch (error) {
    // fetch rejects with the signal's reason; name the timeout even if the transport wrapped it.
    throw controller.signal.aborted && !callerSignal.aborted ? controller.signal.reason : error;
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
