import { type Chart, deriveSeries, type Point } from "./derive-series.js";
import { parsePrometheusText, type Sample } from "./prometheus-text.js";

/** How often the console scrapes every service, and how much history it keeps (in memory only). */
export const DEFAULT_SAMPLE_INTERVAL_MS = 5_000;
export const DEFAULT_HISTORY_WINDOW_MS = 30 * 60_000;
const SCRAPE_TIMEOUT_MS = 2_000;

/** One series over time: `[epoch ms, value]` pairs, oldest first. */
export interface Series {
  readonly chart: Chart;
  readonly labels: Readonly<Record<string, string>>;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** How the last scrapes of one service went, so the page can say a chart is stale and why. */
export interface SourceState {
  readonly url: string;
  readonly lastAttemptAt: number | null;
  readonly lastSuccessAt: number | null;
  readonly lastError: string | null;
}

/** `/metrics-history.json`. */
export interface MetricsHistory {
  readonly intervalMs: number;
  readonly windowMs: number;
  readonly sources: Readonly<Record<string, SourceState>>;
  readonly series: readonly Series[];
}

export interface MetricsSampler {
  /** Scrapes every service once, now (the timer calls it; tests call it directly). */
  sample(): Promise<void>;
  start(): void;
  stop(): void;
  history(): MetricsHistory;
}

const keyOf = (chart: string, labels: Readonly<Record<string, string>>) =>
  `${chart}|${Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(",")}`;

/**
 * `createMetricsSampler` scrapes each service's Prometheus `/metrics` every `intervalMs` and keeps what the
 * console charts in a bounded ring per series (`windowMs` of history: about 360 points per series at the
 * defaults), so the page gets history without a Prometheus server. A service that does not answer keeps
 * its history and gets a gap; its error is reported in `sources`. History is lost when the console stops.
 *
 * @example
 * const sampler = createMetricsSampler({ urls: { orders: "http://127.0.0.1:3002/metrics" } });
 * sampler.start();
 * sampler.history().series; // [{ chart: "outbox_pending", labels: { service: "orders" }, points: [...] }, ...]
 */
export function createMetricsSampler(options: {
  readonly urls: Readonly<Record<string, string>>;
  readonly intervalMs?: number;
  readonly windowMs?: number;
  readonly now?: () => number;
}): MetricsSampler {
  const {
    urls,
    intervalMs = DEFAULT_SAMPLE_INTERVAL_MS,
    windowMs = DEFAULT_HISTORY_WINDOW_MS,
    now = Date.now,
  } = options;
  const capacity = Math.ceil(windowMs / intervalMs) + 1;
  const rings = new Map<
    string,
    { chart: Chart; labels: Readonly<Record<string, string>>; points: [number, number][] }
  >();
  const last = new Map<string, { at: number; samples: Sample[] }>();
  const sources = new Map<string, SourceState>(
    Object.entries(urls).map(([service, url]) => [
      service,
      { url, lastAttemptAt: null, lastSuccessAt: null, lastError: null },
    ]),
  );
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<void> | undefined;

  async function scrape(service: string, url: string): Promise<Point[]> {
    const at = now();
    const state = sources.get(service);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const samples = parsePrometheusText(await res.text());
      const before = last.get(service);
      last.set(service, { at, samples });
      sources.set(service, { url, lastAttemptAt: at, lastSuccessAt: at, lastError: null });
      return deriveSeries({
        service,
        current: samples,
        previous: before?.samples,
        elapsedSeconds: before ? (at - before.at) / 1000 : undefined,
      });
    } catch (err) {
      const reason =
        err instanceof Error ? (err.name === "TimeoutError" ? "timed out" : err.message) : "failed";
      sources.set(service, {
        url,
        lastAttemptAt: at,
        lastSuccessAt: state?.lastSuccessAt ?? null,
        lastError: reason,
      });
      return [];
    }
  }

  function record(at: number, points: readonly Point[]) {
    // Two services may report the same system-wide series (orders by outcome): the larger one counts.
    const merged = new Map<string, Point>();
    for (const p of points) {
      const key = keyOf(p.chart, p.labels);
      const seen = merged.get(key);
      if (!seen || p.value > seen.value) merged.set(key, p);
    }
    for (const [key, p] of merged) {
      const ring = rings.get(key) ?? { chart: p.chart, labels: p.labels, points: [] };
      ring.points.push([at, p.value]);
      if (ring.points.length > capacity) ring.points.splice(0, ring.points.length - capacity);
      rings.set(key, ring);
    }
    for (const [key, ring] of rings) {
      while (ring.points.length > 0 && (ring.points[0]?.[0] ?? at) < at - windowMs) ring.points.shift();
      if (ring.points.length === 0) rings.delete(key);
    }
  }

  async function sampleAll() {
    const at = now();
    const points = await Promise.all(Object.entries(urls).map(([service, url]) => scrape(service, url)));
    record(at, points.flat());
  }

  return {
    // One scrape at a time: a slow service must not pile up overlapping rounds.
    sample() {
      running ??= sampleAll().finally(() => {
        running = undefined;
      });
      return running;
    },
    start() {
      if (timer) return;
      void this.sample();
      timer = setInterval(() => void this.sample(), intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    history: () => ({
      intervalMs,
      windowMs,
      sources: Object.fromEntries(sources),
      series: [...rings.values()].map((r) => ({ chart: r.chart, labels: r.labels, points: [...r.points] })),
    }),
  };
}
