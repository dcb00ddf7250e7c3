import { describe, expect, it } from "vitest";
import { DUPLICATE_WINDOW_MS, profileScenarios } from "./profiles.js";

describe("profileScenarios", () => {
  it("ci runs every fault once, small: 30 s loads, 60 s around the broker outage", () => {
    const ci = profileScenarios("ci");
    expect(ci.map((s) => s.name)).toEqual([
      "kill-services",
      "broker-restart",
      "broker-outage",
      "slow-consumer",
      "poison-messages",
      "full-disk",
      "clock-skew",
      "cluster-failover",
      "instance-outage",
      "canary",
    ]);
    expect(ci.map((s) => s.load.durationMs / 1000)).toEqual([30, 30, 60, 30, 30, 30, 30, 30, 30, 30]);
    expect(new Set(ci.map((s) => s.seed)).size).toBe(ci.length);
  });

  it("long adds an outage longer than every stream's duplicate window, with load before and after it", () => {
    const long = profileScenarios("long");
    const beyond = long.find((s) => s.name === "broker-outage-beyond-dedupe-window");
    expect(DUPLICATE_WINDOW_MS).toBeGreaterThanOrEqual(2 * 60_000);
    expect(beyond?.fault.description).toMatch(/(\d+) s down/);
    const down = Number(/(\d+) s down/.exec(beyond?.fault.description ?? "")?.[1]) * 1000;
    expect(down).toBeGreaterThan(DUPLICATE_WINDOW_MS);
    expect(beyond?.load.durationMs).toBeGreaterThan(down + 60_000);
  });

  it("applies a rate and a duration to every scenario, keeping the time a fault needs", () => {
    const ci = profileScenarios("ci", { rate: 2, durationMs: 10_000 });
    expect(new Set(ci.map((s) => s.load.ratePerSecond))).toEqual(new Set([2]));
    expect(ci.find((s) => s.name === "kill-services")?.load.durationMs).toBe(10_000);
    expect(ci.find((s) => s.name === "broker-outage")?.load.durationMs).toBe(60_000);
  });
});
