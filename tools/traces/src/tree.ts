import type { Trace, TraceSpan } from "./query.js";

/** A span with the spans whose parent it is, ordered by start time. */
export interface SpanNode {
  readonly span: TraceSpan;
  readonly children: readonly SpanNode[];
}

/**
 * `spanTree` links a trace's spans by parent id. A span whose parent is not in the trace (not exported,
 * or not yet arrived) is a root too, so a broken link shows up as a second root.
 *
 * @example
 * const [root] = spanTree(trace); // root.span.service === "gateway"
 */
export function spanTree(trace: Trace): SpanNode[] {
  const ids = new Set(trace.spans.map((s) => s.spanId));
  const build = (span: TraceSpan): SpanNode => ({
    span,
    children: trace.spans.filter((s) => s.parentSpanId === span.spanId).map(build),
  });
  return trace.spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId)).map(build);
}

/** `describeTree` prints a tree one span a line, indented: `service: name (KIND)`, for assertions and logs. */
export function describeTree(nodes: readonly SpanNode[], depth = 0): string[] {
  return nodes.flatMap((n) => [
    `${"  ".repeat(depth)}${n.span.service}: ${n.span.name} (${n.span.kind})`,
    ...describeTree(n.children, depth + 1),
  ]);
}
