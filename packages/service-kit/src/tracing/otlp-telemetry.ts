import { OTLPTraceExporter as JsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";

import type { Telemetry } from "./telemetry.js";

type Env = Readonly<Record<string, string | undefined>>;

/** `samplerFrom` is the sampler `OTEL_TRACES_SAMPLER` names (the specification's values). */
export function samplerFrom(env: Env): Sampler {
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? "1");
  const r = Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1;
  switch (env.OTEL_TRACES_SAMPLER) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(r);
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(r) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function headersFrom(env: Env): Record<string, string> {
  const raw = env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS ?? "";
  const headers: Record<string, string> = {};
  for (const pair of raw.split(",")) {
    const at = pair.indexOf("=");
    if (at > 0)
      headers[decodeURIComponent(pair.slice(0, at).trim())] = decodeURIComponent(pair.slice(at + 1).trim());
  }
  return headers;
}

/** `otlpTelemetry` is the SDK's tracer provider with a batching OTLP/HTTP exporter to `url`. */
export function otlpTelemetry(o: {
  readonly service: string;
  readonly version: string;
  readonly instance: string;
  readonly env: Env;
  readonly url: string;
}): Telemetry {
  const protocol = o.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? o.env.OTEL_EXPORTER_OTLP_PROTOCOL;
  const options = { url: o.url, headers: headersFrom(o.env) };
  const exporter: SpanExporter =
    protocol === "http/json" ? new JsonExporter(options) : new ProtobufExporter(options);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      "service.name": o.env.OTEL_SERVICE_NAME ?? o.service,
      "service.version": o.version,
      "service.instance.id": o.instance,
      "service.namespace": "bazaar",
    }),
    sampler: samplerFrom(o.env),
    spanProcessors: [new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 })],
  });
  return {
    tracer: provider.getTracer("@bazaar/service-kit"),
    shutdown: () => provider.shutdown(),
  };
}
