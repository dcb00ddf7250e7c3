// `encodeSpan` writes one OTLP ExportTraceServiceRequest in protobuf (opentelemetry-proto's
// trace/v1/trace.proto field numbers) by hand, so the test can speak `http/protobuf` with no dependency.

const varint = (value: bigint | number): number[] => {
  let v = BigInt(value);
  const out: number[] = [];
  while (v > 0x7fn) {
    out.push(Number((v & 0x7fn) | 0x80n));
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
};
const tag = (field: number, wireType: number): number[] => varint((field << 3) | wireType);
const bytesField = (field: number, bytes: Uint8Array | number[]): number[] => [
  ...tag(field, 2),
  ...varint(bytes.length),
  ...bytes,
];
const stringField = (field: number, value: string): number[] =>
  bytesField(field, new TextEncoder().encode(value));
const fixed64 = (field: number, value: bigint): number[] => {
  const buffer = new DataView(new ArrayBuffer(8));
  buffer.setBigUint64(0, value, true);
  return [...tag(field, 1), ...new Uint8Array(buffer.buffer)];
};
const hexBytes = (hex: string): number[] => hex.match(/../g)?.map((b) => Number.parseInt(b, 16)) ?? [];
// KeyValue { key = 1; AnyValue value = 2 { string_value = 1 } }
const stringAttribute = (field: number, key: string, value: string): number[] =>
  bytesField(field, [...stringField(1, key), ...bytesField(2, stringField(1, value))]);

export interface ProtobufSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  /** SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly startNanos: bigint;
  readonly endNanos: bigint;
  readonly attributes?: Readonly<Record<string, string>>;
}

/** One resource (its `service.name`) with one span, as the body of `POST /v1/traces` (application/x-protobuf). */
export function encodeSpan(s: ProtobufSpan): Uint8Array {
  const span = [
    ...bytesField(1, hexBytes(s.traceId)),
    ...bytesField(2, hexBytes(s.spanId)),
    ...(s.parentSpanId ? bytesField(4, hexBytes(s.parentSpanId)) : []),
    ...stringField(5, s.name),
    ...tag(6, 0),
    ...varint(s.kind),
    ...fixed64(7, s.startNanos),
    ...fixed64(8, s.endNanos),
    ...Object.entries(s.attributes ?? {}).flatMap(([k, v]) => stringAttribute(9, k, v)),
  ];
  const resource = stringAttribute(1, "service.name", s.service);
  const scopeSpans = [...bytesField(1, stringField(1, "bazaar-test")), ...bytesField(2, span)];
  const resourceSpans = [...bytesField(1, resource), ...bytesField(2, scopeSpans)];
  return new Uint8Array(bytesField(1, resourceSpans));
}
