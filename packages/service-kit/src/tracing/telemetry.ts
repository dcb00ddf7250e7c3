import type { Tracer } from "@opentelemetry/api";

/** A service's tracing: a tracer when export is configured, none (and no cost) otherwise. */
export interface Telemetry {
  readonly tracer: Tracer | undefined;
  /** Exports what is still buffered, then stops. */
  shutdown(): Promise<void>;
}

export const NO_TELEMETRY: Telemetry = { tracer: undefined, shutdown: async () => undefined };

type Env = Readonly<Record<string, string | undefined>>;

/** `tracesEndpoint` is where spans go, from the standard variables; none means tracing is off. */
export function tracesEndpoint(env: Env): string | undefined {
  if (env.OTEL_SDK_DISABLED === "true" || env.OTEL_TRACES_EXPORTER === "none") return undefined;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (traces) return traces;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return base ? `${base.replace(/\/+$/, "")}/v1/traces` : undefined;
}

/**
 * `startTelemetry` exports the service's spans over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the
 * traces one) is set, with `http/protobuf` (the default) or `http/json`. The variables come from the
 * service's own environment, so services sharing a process (the monolith) each export as themselves. The
 * SDK and its exporters are loaded only then (from source, as in dev and tests, they take about 25 MB and
 * 150 ms to import; in the bundled production build the difference was below what the footprint shows).
 */
export async function startTelemetry(o: {
  readonly service: string;
  readonly version: string;
  readonly instance: string;
  readonly env: Env;
}): Promise<Telemetry> {
  const url = tracesEndpoint(o.env);
  if (!url) return NO_TELEMETRY;
  const { otlpTelemetry } = await import("./otlp-telemetry.js");
  return otlpTelemetry({ ...o, url });
}
