import { describe, expect, it } from "vitest";
import {
  childSpan,
  currentScope,
  formatTraceparent,
  newTrace,
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
