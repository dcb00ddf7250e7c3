export type { FindViewerOptions, ViewerBinaries } from "./binaries.js";
export { collectorPath, findViewer, javaMajor, zipkinJarPath } from "./binaries.js";
export { collectorConfig } from "./collector-config.js";
export { TraceNotFoundError, TracesError, ViewerNotInstalledError, ViewerStartError } from "./errors.js";
export type { InstalledViewer, InstallViewerOptions } from "./install.js";
export { COLLECTOR_SOURCE, installViewer, viewerInstallInstructions } from "./install.js";
export type {
  QueryOptions,
  SpanKind,
  StatusCode,
  Trace,
  TraceSpan,
  WaitForTraceOptions,
  ZipkinSpan,
} from "./query.js";
export { findTrace, fromZipkin, toTrace, waitForTrace } from "./query.js";
export type { SpanNode } from "./tree.js";
export { describeTree, spanTree } from "./tree.js";
export {
  COLLECTOR_VERSION,
  DEFAULT_OTLP_HTTP_PORT,
  DEFAULT_UI_PORT,
  MINIMUM_JAVA,
  ZIPKIN_ARTIFACT,
  ZIPKIN_VERSION,
} from "./versions.js";
export type { RunningViewer, StartViewerOptions } from "./viewer.js";
export { startViewer, traceUrlFor } from "./viewer.js";
