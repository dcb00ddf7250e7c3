/** One bucket of a Prometheus histogram: how many observations were at most `le`. */
export interface Bucket {
  readonly le: number;
  readonly count: number;
}

/**
 * `histogramQuantile` estimates a quantile from cumulative buckets the way PromQL's
 * `histogram_quantile` does: it finds the bucket holding the rank and interpolates linearly inside it
 * (from 0 for the first bucket). When the rank falls in the `+Inf` bucket the answer is the highest
 * finite bound, since nothing better is known. `undefined` when there are no observations.
 *
 * @example
 * histogramQuantile(0.95, [{ le: 0.1, count: 50 }, { le: 1, count: 100 }, { le: Infinity, count: 100 }])
 * // → 0.91 (the 95th observation is 90% of the way through the (0.1, 1] bucket)
 */
export function histogramQuantile(q: number, buckets: readonly Bucket[]): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0 || sorted.length === 0) return undefined;
  const rank = q * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const bucket of sorted) {
    if (bucket.count >= rank) {
      if (!Number.isFinite(bucket.le)) return lowerBound;
      const inBucket = bucket.count - lowerCount;
      if (inBucket <= 0) return bucket.le;
      return lowerBound + ((bucket.le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = bucket.le;
    lowerCount = bucket.count;
  }
  return lowerBound;
}
