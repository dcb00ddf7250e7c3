import { describe, expect, it } from "vitest";
import {
  childSpan,
  currentScope,
  formatTraceparent,
  newTrace,
  parseTraceContext,
  parseTraceparent,
  runInScope,
} from "./trace-context.js";

describe("traceparent", () => {
  it("parses and formats W3C trace context", () => {
    const header = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const trace = parseTraceparent(header);
    expect(trace).toEqual({
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      sampled: true,
    });
    expect(formatTraceparent(trace as NonNullable<typeof trace>)).toBe(header);
  });

  it.each([
    ["garbage"],
    ["00-00000000000000000000000000000000-00f067aa0ba902b7-01"],
    ["00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],
    ["ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
    ["00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"],
  ])("rejects %s", (header) => {
    expect(parseTraceparent(header)).toBeUndefined();
  });

  it("keeps the trace id and changes the span for a child", () => {
    const parent = newTrace();
    const child = childSpan(parent);
    expect(child.traceId).toBe(parent.traceId);
    expect(child.spanId).not.toBe(parent.spanId);
  });

  it("carries the scope through awaits", async () => {
    const trace = newTrace();
    const seen = await runInScope({ trace, requestId: "r1" }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return currentScope();
    });
    expect(seen).toEqual({ trace, requestId: "r1" });
    expect(currentScope()).toBeUndefined();
  });
});

describe("ids", () => {
  it("are distinct, well-formed and survive many pool refills", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const trace = newTrace();
      expect(trace.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(trace.spanId).toMatch(/^[0-9a-f]{16}$/);
      ids.add(trace.traceId);
      ids.add(childSpan(trace).spanId);
    }
    expect(ids.size).toBe(4000);
  });

  it("keeps a well-formed tracestate with its traceparent, and drops a malformed one", () => {
    const tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    expect(parseTraceContext(tp, "vendor=a,other=b")?.traceState).toBe("vendor=a,other=b");
    expect(parseTraceContext(tp, "x".repeat(600))).not.toHaveProperty("traceState");
    expect(parseTraceContext("garbage", "vendor=a")).toBeUndefined();
    expect(
      childSpan(parseTraceContext(tp, "vendor=a") as NonNullable<ReturnType<typeof parseTraceContext>>)
        .traceState,
    ).toBe("vendor=a");
  });
});
