import {
  type Attributes,
  createTraceState,
  ROOT_CONTEXT,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from "@opentelemetry/api";
import type { Telemetry } from "./telemetry.js";
import { childSpan, newTrace, type TraceContext } from "./trace-context.js";

export { SpanKind };

/** One unit of work: its trace context (for the scope, logs and what it sends on) and its end. */
export interface KitSpan {
  readonly trace: TraceContext;
  setAttributes(attributes: Attributes): void;
  updateName(name: string): void;
  /** Ends the span; an error is recorded with its code (`error.type`) and sets the status. */
  end(error?: unknown): void;
}

function toSpanContext(t: TraceContext): SpanContext {
  return {
    traceId: t.traceId,
    spanId: t.spanId,
    traceFlags: t.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    isRemote: true,
    ...(t.traceState ? { traceState: createTraceState(t.traceState) } : {}),
  };
}

function errorType(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return err instanceof Error ? err.name : "Error";
}

/**
 * `startSpan` starts a span under `parent` (or a new trace). Without a tracer (tracing off) it only makes
 * the child ids the logs and headers carry: nothing is allocated for export, nothing is sent.
 */
export function startSpan(
  telemetry: Telemetry,
  o: {
    readonly name: string;
    readonly kind: SpanKind;
    readonly parent?: TraceContext | undefined;
    readonly attributes?: Attributes;
    /** The producer's context, for a consumer's span (its parent is the producer too). */
    readonly link?: TraceContext | undefined;
  },
): KitSpan {
  const tracer = telemetry.tracer;
  if (!tracer) {
    const ids = o.parent ? childSpan(o.parent) : newTrace();
    return { trace: ids, setAttributes: () => undefined, updateName: () => undefined, end: () => undefined };
  }
  const context = o.parent ? trace.setSpanContext(ROOT_CONTEXT, toSpanContext(o.parent)) : ROOT_CONTEXT;
  const span = tracer.startSpan(
    o.name,
    {
      kind: o.kind,
      ...(o.attributes ? { attributes: o.attributes } : {}),
      ...(o.link ? { links: [{ context: toSpanContext(o.link) }] } : {}),
    },
    context,
  );
  const sc = span.spanContext();
  const traceState = sc.traceState?.serialize() || o.parent?.traceState;
  return {
    trace: {
      traceId: sc.traceId,
      spanId: sc.spanId,
      sampled: (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
      ...(traceState ? { traceState } : {}),
    },
    setAttributes: (attributes) => span.setAttributes(attributes),
    updateName: (name) => span.updateName(name),
    end: (error) => {
      if (error !== undefined) {
        const type = errorType(error);
        span.setAttribute("error.type", type);
        if (error instanceof Error) span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: type });
      }
      span.end();
    },
  };
}
