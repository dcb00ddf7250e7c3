import { LatencyHistogram } from "../stats/stats.js";
import { MEASURING } from "./worker.js";

export interface ClosedLoopResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  readonly errors: number;
}

/**
 * `closedLoop` keeps `concurrency` requests in flight for a warm-up and then a measured window: each
 * worker awaits `request()` (which throws on a failed answer) and sends the next at once. A request is
 * counted, and timed, when it ends inside the window. Prints `MEASURING` when the window opens.
 */
export async function closedLoop(o: {
  readonly concurrency: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly request: () => Promise<void>;
}): Promise<ClosedLoopResult> {
  let histogram = new LatencyHistogram();
  let errors = 0;
  let measuring = false;
  let stop = false;
  const loop = async (): Promise<void> => {
    while (!stop) {
      const started = performance.now();
      try {
        await o.request();
        if (measuring) histogram.record(performance.now() - started);
      } catch {
        if (measuring) errors++;
      }
    }
  };
  const loops = Array.from({ length: o.concurrency }, () => loop());
  await new Promise((r) => setTimeout(r, o.warmupMs));
  histogram = new LatencyHistogram();
  measuring = true;
  console.log(MEASURING);
  const from = performance.now();
  await new Promise((r) => setTimeout(r, o.durationMs));
  measuring = false;
  const seconds = (performance.now() - from) / 1000;
  stop = true;
  await Promise.all(loops);
  return {
    requestsPerSecond: Math.round(histogram.count / seconds),
    p50Ms: histogram.percentile(50),
    p99Ms: histogram.percentile(99),
    requests: histogram.count,
    errors,
  };
}
