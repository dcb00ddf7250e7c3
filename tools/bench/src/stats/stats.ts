/** `percentile` is the nearest-rank percentile (0–100) of `values`; 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] ?? 0;
}

/** `median` is the middle value (the mean of the two middle ones for an even count); 0 for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** The fixed-bucket latency histogram a load process keeps: 10 µs buckets up to 10 s, exact enough for p99. */
export class LatencyHistogram {
  static readonly BUCKET_US = 10;
  static readonly BUCKETS = 1_000_000;
  private readonly counts = new Uint32Array(LatencyHistogram.BUCKETS);
  count = 0;

  record(ms: number): void {
    const bucket = Math.min(
      LatencyHistogram.BUCKETS - 1,
      Math.floor((ms * 1000) / LatencyHistogram.BUCKET_US),
    );
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.count++;
  }

  /** The `p` percentile in milliseconds (the upper edge of its bucket). */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const target = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= target) return ((i + 1) * LatencyHistogram.BUCKET_US) / 1000;
    }
    return (LatencyHistogram.BUCKETS * LatencyHistogram.BUCKET_US) / 1000;
  }
}

/** `ratio` is a / b rounded to two decimals, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : Math.round((a / b) * 100) / 100;
}
