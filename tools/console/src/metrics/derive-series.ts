import { type Bucket, histogramQuantile } from "./histogram-quantile.js";
import type { Sample } from "./prometheus-text.js";

/** The charts the console draws, each a family of series told apart by labels. */
export const CHARTS = [
  "consumer_lag",
  "outbox_pending",
  "outbox_oldest_age_seconds",
  "rpc_p95_ms",
  "orders_per_minute",
] as const;
export type Chart = (typeof CHARTS)[number];

/** One value of one series at one scrape. */
export interface Point {
  readonly chart: Chart;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/**
 * The consumers that count orders by outcome: every service that consumes `order.placed`,
 * `order.confirmed` or `order.cancelled` applies each event once (the kit names a consumer
 * `<service>__<event type>-v<N>`), so the busiest of them is the number of orders with that outcome.
 */
const ORDER_OUTCOME = /__order-(placed|confirmed|cancelled)-v\d+$/;

const sumOf = (samples: readonly Sample[], name: string) =>
  samples.filter((s) => s.name === name).reduce((sum, s) => sum + s.value, 0);
const hasAny = (samples: readonly Sample[], name: string) => samples.some((s) => s.name === name);

/** How much a counter grew; a drop means the process restarted, so everything it counts is new. */
const growth = (now: number, before: number | undefined) =>
  before === undefined ? undefined : now >= before ? now - before : now;

function countersBy(samples: readonly Sample[], name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    const key = s.labels[label];
    if (s.name === name && key !== undefined) out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/** `bucketsBy` groups a histogram's `_bucket` samples by one label (the RPC endpoint). */
function bucketsBy(
  samples: readonly Sample[],
  name: string,
  label: string,
): Map<string, Map<number, number>> {
  const out = new Map<string, Map<number, number>>();
  for (const s of samples) {
    const key = s.labels[label];
    const le = s.labels.le === undefined ? Number.NaN : Number(s.labels.le.replace("+Inf", "Infinity"));
    if (s.name !== `${name}_bucket` || key === undefined || Number.isNaN(le)) continue;
    const buckets = out.get(key) ?? new Map<number, number>();
    buckets.set(le, (buckets.get(le) ?? 0) + s.value);
    out.set(key, buckets);
  }
  return out;
}

/**
 * `rpcP95` is each endpoint's 95th percentile over the last interval (milliseconds): the quantile of the
 * buckets' growth since the previous scrape, so a slow minute shows even after hours of fast requests.
 * An endpoint that served nothing in the interval has no point (a gap, not a zero).
 */
function rpcP95(service: string, current: readonly Sample[], previous: readonly Sample[]): Point[] {
  const name = "bazaar_rpc_request_duration_seconds";
  const before = bucketsBy(previous, name, "endpoint");
  const points: Point[] = [];
  for (const [endpoint, buckets] of bucketsBy(current, name, "endpoint")) {
    const old = before.get(endpoint);
    if (!old) continue;
    const window: Bucket[] = [...buckets].map(([le, count]) => ({
      le,
      count: growth(count, old.get(le)) ?? count,
    }));
    const p95 = histogramQuantile(0.95, window);
    if (p95 !== undefined)
      points.push({ chart: "rpc_p95_ms", labels: { service, endpoint }, value: p95 * 1000 });
  }
  return points;
}

function ordersPerMinute(current: readonly Sample[], previous: readonly Sample[], elapsedSeconds: number) {
  const before = countersBy(previous, "bazaar_consumer_processed_total", "consumer");
  const busiest = new Map<string, number>();
  for (const [consumer, count] of countersBy(current, "bazaar_consumer_processed_total", "consumer")) {
    const outcome = ORDER_OUTCOME.exec(consumer)?.[1];
    const grew = growth(count, before.get(consumer));
    if (!outcome || grew === undefined) continue;
    busiest.set(outcome, Math.max(busiest.get(outcome) ?? 0, (grew * 60) / elapsedSeconds));
  }
  return [...busiest].map(
    ([outcome, value]): Point => ({ chart: "orders_per_minute", labels: { outcome }, value }),
  );
}

/**
 * `deriveSeries` turns one service's scrape (and the one before it, for rates and windowed quantiles)
 * into the points the console charts: consumer lag, outbox pending and oldest age, RPC p95 per endpoint
 * and orders per minute by outcome. A metric the service does not export gives no point.
 */
export function deriveSeries(options: {
  readonly service: string;
  readonly current: readonly Sample[];
  readonly previous?: readonly Sample[] | undefined;
  readonly elapsedSeconds?: number | undefined;
}): Point[] {
  const { service, current, previous, elapsedSeconds } = options;
  const points: Point[] = [];
  for (const s of current) {
    if (s.name === "bazaar_consumer_pending" && s.labels.consumer)
      points.push({
        chart: "consumer_lag",
        labels: { service, consumer: s.labels.consumer },
        value: s.value,
      });
  }
  if (hasAny(current, "bazaar_outbox_pending"))
    points.push({
      chart: "outbox_pending",
      labels: { service },
      value: sumOf(current, "bazaar_outbox_pending"),
    });
  const ages = current
    .filter((s) => s.name === "bazaar_outbox_oldest_pending_age_seconds")
    .map((s) => s.value);
  if (ages.length > 0)
    points.push({ chart: "outbox_oldest_age_seconds", labels: { service }, value: Math.max(...ages) });
  if (previous && elapsedSeconds && elapsedSeconds > 0) {
    points.push(...rpcP95(service, current, previous));
    points.push(...ordersPerMinute(current, previous, elapsedSeconds));
  }
  return points;
}
