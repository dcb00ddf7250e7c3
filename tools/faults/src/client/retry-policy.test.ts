import { describe, expect, it } from "vitest";
import type { HttpResult } from "./http.js";
import { backoffMs, decide } from "./retry-policy.js";

const answer = (status: number, reason?: string): HttpResult =>
  reason ? { kind: "answer", status, body: {}, reason } : { kind: "answer", status, body: {} };

describe("decide: the careful client's rule", () => {
  it.each([
    ["no answer in time", { kind: "timeout" } as HttpResult, "retry"],
    ["a reset connection", { kind: "network", error: "other side closed" } as HttpResult, "retry"],
    ["500", answer(500), "retry"],
    ["502", answer(502), "retry"],
    ["503", answer(503), "retry"],
    ["504", answer(504), "retry"],
    ["429", answer(429), "retry"],
    ["409 while the key is in flight", answer(409, "IDEMPOTENCY_KEY_IN_FLIGHT"), "retry"],
    ["401 (token expired)", answer(401), "refresh-token"],
    ["202", answer(202), "done"],
    ["409 too late to cancel", answer(409, "ALREADY_SHIPPED"), "done"],
    ["422 key reused with another body", answer(422, "IDEMPOTENCY_KEY_REUSED"), "done"],
    ["400", answer(400), "done"],
    ["404", answer(404), "done"],
  ])("%s → %s", (_, result, expected) => {
    expect(decide(result)).toBe(expected);
  });
});

describe("backoffMs", () => {
  it("doubles up to the max, jittered within the upper half", () => {
    expect(backoffMs(1, 100, 2_000, () => 0)).toBe(50);
    expect(backoffMs(1, 100, 2_000, () => 1)).toBe(100);
    expect(backoffMs(3, 100, 2_000, () => 1)).toBe(400);
    expect(backoffMs(30, 100, 2_000, () => 0.5)).toBe(1_500);
  });
});
