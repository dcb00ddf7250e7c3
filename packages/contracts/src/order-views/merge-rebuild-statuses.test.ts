import { describe, expect, it } from "vitest";
import { mergeRebuildStatuses, type RebuildStatus } from "./order-views.js";

const base: RebuildStatus = {
  rebuildId: "r-0",
  state: "completed",
  processed: 10,
  total: 10,
  skipped: 1,
  skippedEvents: [{ stream: "ORDERS", seq: 3, subject: "evt.order.placed.v1.0", reason: "not JSON" }],
  mode: "replace",
  startedAt: "2026-12-02T10:00:01.000Z",
  finishedAt: "2026-12-02T10:00:05.000Z",
  error: null,
};

describe("mergeRebuildStatuses (a rebuild of every partition, as one status)", () => {
  it("sums the counts, spans the times and names the skips of all partitions", () => {
    const merged = mergeRebuildStatuses([
      base,
      {
        ...base,
        rebuildId: "r-1",
        processed: 5,
        total: 5,
        skipped: 0,
        skippedEvents: [],
        mode: "merge",
        startedAt: "2026-12-02T10:00:00.000Z",
        finishedAt: "2026-12-02T10:00:09.000Z",
      },
    ]);
    expect(merged).toMatchObject({
      rebuildId: "r-0",
      state: "completed",
      processed: 15,
      total: 15,
      skipped: 1,
      mode: "merge",
      startedAt: "2026-12-02T10:00:00.000Z",
      finishedAt: "2026-12-02T10:00:09.000Z",
      error: null,
    });
    expect(merged.skippedEvents).toHaveLength(1);
  });

  it("is running while any partition runs, and failed when any failed, with its error", () => {
    const running = { ...base, state: "running" as const, mode: null, finishedAt: null };
    expect(mergeRebuildStatuses([base, running])).toMatchObject({
      state: "running",
      mode: null,
      finishedAt: null,
    });
    const failed = { ...base, state: "failed" as const, error: "stream ORDERS not found" };
    expect(mergeRebuildStatuses([running, failed, base])).toMatchObject({
      state: "failed",
      error: "stream ORDERS not found",
    });
    expect(() => mergeRebuildStatuses([])).toThrow(/no partition/);
  });
});
