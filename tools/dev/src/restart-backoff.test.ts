import { describe, expect, it } from "vitest";
import { RESTART_BACKOFF, restartDelay } from "./restart-backoff.js";

describe("restartDelay", () => {
  it("waits 1 s before the first restart, doubles, and stops growing at 30 s", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => restartDelay(n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
    expect(RESTART_BACKOFF.stableMs).toBe(60_000);
  });
});
