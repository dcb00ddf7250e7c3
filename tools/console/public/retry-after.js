// How the console honours a 429: it waits as long as the gateway's Retry-After says (a short wait once,
// by itself), and otherwise says plainly that it is rate-limited, without calling again before the time
// the gateway named. A 429 from the rate limiter means the request was not handled, so sending it again
// is safe for every method.

/**
 * Seconds the gateway asks to wait: Retry-After is either seconds or an HTTP date; 1 when it is missing
 * or unreadable.
 * @param {string | null} value
 * @param {number} [now]
 * @returns {number}
 */
export function retryAfterSeconds(value, now = Date.now()) {
  if (value && /^\d+$/.test(value.trim())) return Math.max(1, Number(value.trim()));
  const at = value ? Date.parse(value) : Number.NaN;
  return Number.isFinite(at) ? Math.max(1, Math.ceil((at - now) / 1000)) : 1;
}

/** @param {number} seconds */
export function rateLimitedMessage(seconds) {
  return `Rate-limited by the gateway (HTTP 429 Too Many Requests): try again in ${seconds} s`;
}

/** @param {number} seconds */
function rateLimitedError(seconds) {
  return Object.assign(new Error(rateLimitedMessage(seconds)), { status: 429 });
}

/**
 * `rateLimitGate` remembers until when the gateway asked to be left alone.
 * @param {{ maxWaitMs?: number }} [options] the longest wait done silently (longer ones are reported)
 */
export function rateLimitGate(options = {}) {
  const maxWaitMs = options.maxWaitMs ?? 5000;
  let until = 0;
  const waitOrThrow = async () => {
    const wait = until - Date.now();
    if (wait <= 0) return;
    if (wait > maxWaitMs) throw rateLimitedError(Math.ceil(wait / 1000));
    await new Promise((resolve) => setTimeout(resolve, wait));
  };
  return {
    /**
     * Sends a request (`send` is a fetch) after any wait the gateway asked for.
     * @param {() => Promise<Response>} send
     * @returns {Promise<Response>}
     */
    async send(send) {
      for (let attempt = 1; ; attempt++) {
        await waitOrThrow();
        const res = await send();
        if (res.status !== 429) return res;
        const seconds = retryAfterSeconds(res.headers.get("retry-after"));
        until = Date.now() + seconds * 1000;
        if (attempt >= 2) throw rateLimitedError(seconds);
      }
    },
  };
}
