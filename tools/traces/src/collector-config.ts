/**
 * `collectorConfig` is the collector's whole configuration: OTLP/HTTP on `otlpHttpPort` (both
 * `http/protobuf` and `http/json`, path `/v1/traces`), each batch sent within 200 ms to Zipkin's
 * `/api/v2/spans` as Zipkin JSON. The collector's own metrics server (port 8888 by default) is off, so
 * two viewers (a test's and `pnpm dev`'s) can run side by side.
 */
export function collectorConfig(o: { host: string; otlpHttpPort: number; zipkinPort: number }): string {
  return [
    "receivers:",
    "  otlp:",
    "    protocols:",
    "      http:",
    `        endpoint: ${o.host}:${o.otlpHttpPort}`,
    "processors:",
    "  batch:",
    "    timeout: 200ms",
    "exporters:",
    "  zipkin:",
    `    endpoint: http://${o.host}:${o.zipkinPort}/api/v2/spans`,
    "    format: json",
    "service:",
    "  telemetry:",
    "    metrics:",
    "      level: none",
    "  pipelines:",
    "    traces:",
    "      receivers: [otlp]",
    "      processors: [batch]",
    "      exporters: [zipkin]",
    "",
  ].join("\n");
}
