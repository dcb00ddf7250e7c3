import { describe, expect, it } from "vitest";
import type { RunMetrics } from "../check/metrics.js";
import { markdownReport, verdict } from "./markdown-report.js";

const metrics: RunMetrics = {
  attempted: 10,
  acknowledged: 10,
  unanswered: 0,
  confirmed: 8,
  cancelled: 2,
  parked: 0,
  lost: 0,
  doubleCharges: 0,
  stockMismatches: 1,
  readModelMismatches: 0,
  timeToRecoverMs: 1234,
  violations: 1,
};
const stock = {
  invariant: "stock-conserved",
  subject: "SKU",
  message: "SKU: on hand 9, expected 8",
  counts: "stockMismatches" as const,
};

describe("verdict", () => {
  it("fails a run with a violation, passes one without, and errors when the harness broke", () => {
    expect(verdict({ violations: [stock] })).toBe("FAIL");
    expect(verdict({ violations: [] })).toBe("pass");
    expect(verdict({ violations: [], error: "boom" })).toBe("ERROR");
  });

  it("passes a canary only when exactly the expected invariants fired", () => {
    expect(verdict({ violations: [stock], expects: ["stock-conserved"] })).toBe("pass");
    expect(verdict({ violations: [], expects: ["stock-conserved"] })).toBe("FAIL");
    expect(
      verdict({
        violations: [stock, { ...stock, invariant: "outboxes-drained" }],
        expects: ["stock-conserved"],
      }),
    ).toBe("FAIL");
  });
});

describe("markdownReport", () => {
  it("has one row per scenario with the issue's columns, and lists each violation", () => {
    const report = markdownReport("Run", [
      { scenario: "kill-services", description: "kills", metrics, durationMs: 61_000, violations: [stock] },
    ]);
    expect(report).toContain(
      "| scenario | attempted | acknowledged | confirmed | cancelled | parked | lost | unanswered | double charges | stock mismatches | read-model mismatches | time to recover | violations | run time | verdict |",
    );
    expect(report).toContain(
      "| kill-services | 10 | 10 | 8 | 2 | 0 | 0 | 0 | 0 | 1 | 0 | 1.2 s | 1 | 61 s | FAIL |",
    );
    expect(report).toContain("- **stock-conserved** (1)\n  - SKU: on hand 9, expected 8");
  });
});
