export {
  type ConsoleServer,
  type ConsoleServerOptions,
  createConsoleApp,
  startConsole,
} from "./console-server.js";
export type { Chart } from "./metrics/derive-series.js";
export {
  createMetricsSampler,
  type MetricsHistory,
  type MetricsSampler,
  type Series,
  type SourceState,
} from "./metrics/metrics-sampler.js";
export { parsePrometheusText, type Sample } from "./metrics/prometheus-text.js";
