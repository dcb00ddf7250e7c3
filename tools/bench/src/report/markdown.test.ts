import { describe, expect, it } from "vitest";
import { markdownTable, scenarioMarkdown } from "./markdown.js";
import { summarize } from "./result.js";

describe("markdownTable", () => {
  it("renders a header, a rule and rows, escaping pipes", () => {
    expect(markdownTable(["a", "b"], [["1", "x|y"]])).toBe("| a | b |\n| --- | --- |\n| 1 | x\\|y |");
  });
});

describe("summarize and scenarioMarkdown", () => {
  const procs = (cpu: number, rss: number) => ({ gateway: { cpu, peakRssMb: rss, rssAfterMb: rss } });
  const runs = [
    { target: "bazaar", round: 1, rate: 100, p50Ms: 2, p99Ms: 9, errors: 0, procs: procs(0.5, 200) },
    { target: "bazaar", round: 2, rate: 300, p50Ms: 4, p99Ms: 7, errors: 1, procs: procs(0.9, 240) },
    { target: "bazaar", round: 3, rate: 200, p50Ms: 3, p99Ms: 8, errors: 0, procs: procs(0.7, 220) },
    { target: "other", round: 1, rate: 1, p50Ms: 1, p99Ms: 1, errors: 0, procs: {} },
  ];

  it("takes the median of each figure over a target's rounds and the peak of its RSS", () => {
    expect(summarize("bazaar", "the gateway", runs)).toEqual({
      target: "bazaar",
      description: "the gateway",
      rounds: 3,
      rate: 200,
      p50Ms: 3,
      p99Ms: 8,
      errors: 1,
      cpu: { gateway: 0.7 },
      peakRssMb: { gateway: 240 },
    });
  });

  it("renders a scenario with its table and its ratios", () => {
    const text = scenarioMarkdown({
      name: "gateway-read",
      title: "1. Gateway read",
      unit: "req/s",
      method: "wrk.",
      rows: [summarize("bazaar", "", runs)],
      ratios: { "bazaar/moleculer req/s": 0.5, none: null },
      measurements: runs,
    });
    expect(text).toContain("| target | req/s | p50 ms | p99 ms |");
    expect(text).toContain("| bazaar | 200 | 3 | 8 | 1 | gateway 0.7 | gateway 240 |");
    expect(text).toContain("Ratios: bazaar/moleculer req/s = 0.5; none = n/a");
  });
});
