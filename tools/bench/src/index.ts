// The bench tool's pure parts, for its tests and for anyone reading results programmatically.

export type { HttpLoadResult } from "./load/wrk.js";
export { parseDuration, parseWrkOutput } from "./load/wrk.js";
export type { ProcSample, ProcUsage } from "./proc/proc-stat.js";
export { parseStatCpuTicks, parseStatusKb, sampleProc, watchProcs } from "./proc/proc-stat.js";
export type { ReportHeader } from "./report/markdown.js";
export { markdownTable, reportMarkdown, scenarioMarkdown } from "./report/markdown.js";
export type { Measurement, Row, ScenarioResult } from "./report/result.js";
export { summarize } from "./report/result.js";
export type { BenchOptions, ScenarioName } from "./run/options.js";
export { parseOptions, SCENARIOS } from "./run/options.js";
export { LatencyHistogram, median, percentile, ratio } from "./stats/stats.js";
