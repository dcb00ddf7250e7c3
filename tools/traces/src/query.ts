import { TraceNotFoundError } from "./errors.js";

export type SpanKind = "SERVER" | "CLIENT" | "PRODUCER" | "CONSUMER" | "INTERNAL";
export type StatusCode = "UNSET" | "OK" | "ERROR";

/** One span as the viewer stored it. Zipkin keeps microseconds, and lowercases service and span names. */
export interface TraceSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Undefined for the root span. */
  readonly parentSpanId: string | undefined;
  readonly service: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startMicros: number;
  readonly endMicros: number;
  /** Span attributes, resource attributes other than `service.name`, and the scope (`otel.library.name`, `otel.library.version`). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly status: { readonly code: StatusCode; readonly message?: string };
}

export interface Trace {
  readonly traceId: string;
  /** Ordered by start time. */
  readonly spans: readonly TraceSpan[];
  /** The distinct service names, sorted. */
  readonly services: readonly string[];
}

/** A span in Zipkin's v2 JSON (`GET /api/v2/trace/{traceId}`). */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name?: string;
  kind?: "SERVER" | "CLIENT" | "PRODUCER" | "CONSUMER";
  timestamp?: number;
  duration?: number;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

// The collector's Zipkin exporter writes the OTLP status into these tags (and `error` when it is an error).
const STATUS_TAGS = new Set(["otel.status_code", "otel.status_description", "error"]);

/** `fromZipkin` turns a Zipkin v2 span back into the OTLP terms the services used. */
export function fromZipkin(span: ZipkinSpan): TraceSpan {
  const tags = span.tags ?? {};
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags)) if (!STATUS_TAGS.has(key)) attributes[key] = value;
  // "STATUS_CODE_ERROR" from the collector; "ERROR" or "Error" from other Zipkin exporters.
  const raw = (tags["otel.status_code"] ?? "").toUpperCase().replace(/^STATUS_CODE_/, "");
  const code: StatusCode =
    raw === "OK" ? "OK" : raw === "ERROR" || tags.error !== undefined ? "ERROR" : "UNSET";
  const message =
    tags["otel.status_description"] ?? (tags.error && tags.error !== "true" ? tags.error : undefined);
  const start = span.timestamp ?? 0;
  return {
    traceId: span.traceId,
    spanId: span.id,
    parentSpanId: span.parentId,
    service: span.localEndpoint?.serviceName ?? "unknown",
    name: span.name ?? "",
    kind: span.kind ?? "INTERNAL",
    startMicros: start,
    endMicros: start + (span.duration ?? 0),
    attributes,
    status: message === undefined ? { code } : { code, message },
  };
}

/** `toTrace` orders spans by start time and lists their services. */
export function toTrace(traceId: string, spans: readonly ZipkinSpan[]): Trace {
  const mapped = spans.map(fromZipkin).sort((a, b) => a.startMicros - b.startMicros);
  return { traceId, spans: mapped, services: [...new Set(mapped.map((s) => s.service))].sort() };
}

export interface QueryOptions {
  /** The viewer's `apiUrl` (default `http://127.0.0.1:9411/api/v2`, or `BAZAAR_TRACES_API_URL`). */
  readonly apiUrl?: string;
}

const defaultApiUrl = (): string => process.env.BAZAAR_TRACES_API_URL ?? "http://127.0.0.1:9411/api/v2";

/**
 * `findTrace` asks the viewer's own query API for one trace; undefined when it holds no span of it.
 *
 * @example
 * const trace = await findTrace("5b8efff798038103d269b633813fc60c", { apiUrl: viewer.apiUrl });
 */
export async function findTrace(traceId: string, options: QueryOptions = {}): Promise<Trace | undefined> {
  const id = traceId.toLowerCase();
  const response = await fetch(`${options.apiUrl ?? defaultApiUrl()}/trace/${id}`, {
    signal: AbortSignal.timeout(5000),
  });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) throw new Error(`the trace viewer answered ${response.status} for trace ${id}`);
  const spans = (await response.json()) as ZipkinSpan[];
  return spans.length === 0 ? undefined : toTrace(id, spans);
}

export interface WaitForTraceOptions extends QueryOptions {
  readonly traceId: string;
  /** Every one of these must have at least one span (names as Zipkin keeps them: lowercase). */
  readonly services?: readonly string[];
  /** And at least this many spans in all (default 1). */
  readonly minSpans?: number;
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
}

/**
 * `waitForTrace` polls `findTrace` until the trace has a span from every service named (spans reach the
 * viewer in batches, a moment after the work), or throws `TraceNotFoundError` saying what it saw last.
 *
 * @example
 * const trace = await waitForTrace({ traceId, services: ["gateway", "orders"], apiUrl: viewer.apiUrl });
 */
export async function waitForTrace(options: WaitForTraceOptions): Promise<Trace> {
  const wanted = (options.services ?? []).map((s) => s.toLowerCase());
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  let last: Trace | undefined;
  for (;;) {
    last = await findTrace(options.traceId, options);
    const missing = wanted.filter((s) => !last?.services.includes(s));
    if (last && missing.length === 0 && last.spans.length >= (options.minSpans ?? 1)) return last;
    if (Date.now() > deadline) {
      const seen = last
        ? `${last.spans.length} span(s) from ${last.services.join(", ")}; missing: ${missing.join(", ") || "(more spans)"}`
        : "no span of it";
      throw new TraceNotFoundError(
        `trace ${options.traceId}: after ${options.timeoutMs ?? 15_000} ms the viewer holds ${seen}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
