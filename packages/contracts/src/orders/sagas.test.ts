import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { listSagas, SagaStep } from "./orders.js";

describe("the operator's saga contracts", () => {
  it.each([
    [{}, true],
    [{ orderId: "o-1", status: "requires_attention" }, true],
    [{ olderThan: "2026-12-01T00:00:00.000Z", newerThan: "2026-11-01T00:00:00+01:00" }, true],
    [{ orderId: "" }, false],
    [{ olderThan: "3600" }, false],
    [{ newerThan: "yesterday" }, false],
  ])("listSagas accepts %o: %s", (request, ok) => {
    expect(v.safeParse(listSagas.request, request).success).toBe(ok);
  });

  it("a step's duration is optional, so an older orders service still answers valid steps", () => {
    const step = {
      name: "reserve-stock",
      status: "done",
      attempts: 1,
      compensationAttempts: 0,
      startedAt: "2026-12-01T00:00:00.000Z",
      finishedAt: "2026-12-01T00:00:01.000Z",
      lastError: null,
    };
    expect(v.safeParse(SagaStep, step).success).toBe(true);
    expect(v.safeParse(SagaStep, { ...step, durationMs: 1000 }).success).toBe(true);
    expect(v.safeParse(SagaStep, { ...step, durationMs: null }).success).toBe(true);
    expect(v.safeParse(SagaStep, { ...step, durationMs: "1s" }).success).toBe(false);
  });
});
