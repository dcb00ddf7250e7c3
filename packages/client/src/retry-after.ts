/**
 * `retryAfterMs` reads a `Retry-After` header (RFC 9110: delay-seconds or an HTTP date) as milliseconds
 * from `now`; undefined when there is none or it cannot be read.
 *
 * @example
 * retryAfterMs("2"); // 2000
 */
export function retryAfterMs(value: string | null | undefined, now: number = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month; Date.parse alone would read "-3" as a year.
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
