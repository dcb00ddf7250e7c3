import { describe, expect, it } from "vitest";
import { fromZipkin, toTrace } from "./query.js";
import { describeTree, spanTree } from "./tree.js";

// Spans as the collector's Zipkin exporter writes them (checked against the real viewer in viewer.test.ts).
const root = {
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  id: "00f067aa0ba902b7",
  name: "post /api/orders",
  kind: "SERVER" as const,
  timestamp: 1_700_000_000_000_000,
  duration: 3000,
  localEndpoint: { serviceName: "gateway" },
  tags: { "http.request.method": "POST", "otel.library.name": "bazaar" },
};
const child = {
  traceId: root.traceId,
  id: "a1b2c3d4e5f60718",
  parentId: root.id,
  name: "inventory.reserve",
  timestamp: root.timestamp + 500,
  duration: 1000,
  localEndpoint: { serviceName: "inventory" },
  tags: {
    "span.kind": "internal",
    "otel.status_code": "STATUS_CODE_ERROR",
    "otel.status_description": "OUT_OF_STOCK",
    error: "OUT_OF_STOCK",
  },
};

describe("fromZipkin", () => {
  it("gives back the OTLP kind, times, parent and attributes", () => {
    const span = fromZipkin(root);
    expect(span).toMatchObject({
      spanId: root.id,
      parentSpanId: undefined,
      service: "gateway",
      name: "post /api/orders",
      kind: "SERVER",
      startMicros: root.timestamp,
      endMicros: root.timestamp + 3000,
      status: { code: "UNSET" },
    });
    expect(span.attributes).toEqual(root.tags);
  });

  it("reads the status from the exporter's tags and keeps them out of the attributes", () => {
    const span = fromZipkin(child);
    expect(span.kind).toBe("INTERNAL");
    expect(span.status).toEqual({ code: "ERROR", message: "OUT_OF_STOCK" });
    expect(span.attributes).toEqual({ "span.kind": "internal" });
    expect(fromZipkin({ ...root, tags: { "otel.status_code": "OK" } }).status).toEqual({ code: "OK" });
  });
});

describe("spanTree", () => {
  it("links children to parents, and a span whose parent is absent becomes a root", () => {
    const trace = toTrace(root.traceId, [child, root]);
    expect(trace.services).toEqual(["gateway", "inventory"]);
    expect(describeTree(spanTree(trace))).toEqual([
      "gateway: post /api/orders (SERVER)",
      "  inventory: inventory.reserve (INTERNAL)",
    ]);
    expect(spanTree(toTrace(root.traceId, [child])).map((n) => n.span.spanId)).toEqual([child.id]);
  });
});
