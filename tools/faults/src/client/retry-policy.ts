import type { HttpResult } from "./http.js";

/** What the careful client does with an outcome. */
export type Decision = "done" | "retry" | "refresh-token";

/**
 * `decide` is the careful client's rule, as the IETF Idempotency-Key draft has it: an answer is final
 * unless it says the request may not have run or may succeed later. Retried with the same key: no
 * answer (timeout, connection lost), any 5xx, 429, and 409 while the first request with the key is still
 * in flight. A 401 means the token expired: sign in again, then retry.
 */
export function decide(result: HttpResult): Decision {
  if (result.kind !== "answer") return "retry";
  if (result.status >= 500 || result.status === 429 || result.status === 408) return "retry";
  if (result.status === 409 && result.reason === "IDEMPOTENCY_KEY_IN_FLIGHT") return "retry";
  if (result.status === 401) return "refresh-token";
  return "done";
}

/** `backoffMs` doubles from `baseMs` to `maxMs`, with full jitter over the upper half. */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
