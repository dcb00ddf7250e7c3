/** `retryDelay` is the delay before delivery `n + 1`: base × 2^(n−1), capped, with ±20 % jitter. */
export function retryDelay(
  deliveryCount: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, deliveryCount - 1));
  const jitter = 0.8 + random() * 0.4;
  return Math.max(1, Math.round(Math.min(maxMs, exp * jitter)));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
