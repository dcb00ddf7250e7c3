import {
  currentScope,
  type KitSpan,
  runInScope,
  SpanKind,
  startSpan,
  type Telemetry,
} from "@bazaar/service-kit/platform";

/**
 * `traced` runs saga work in its own span, a child of the work in progress (the request that created the
 * saga, or the saga's own span around its steps), so each step's calls are the step's children.
 */
export async function traced<T>(
  telemetry: Telemetry,
  o: { readonly name: string; readonly attributes: Record<string, string | number> },
  work: (span: KitSpan) => Promise<T>,
): Promise<T> {
  const scope = currentScope();
  const span = startSpan(telemetry, {
    name: o.name,
    kind: SpanKind.INTERNAL,
    parent: scope?.trace,
    attributes: o.attributes,
  });
  try {
    const result = await runInScope({ ...scope, trace: span.trace }, () => work(span));
    span.end();
    return result;
  } catch (err) {
    span.end(err);
    throw err;
  }
}
