import { describe, expect, it } from "vitest";
import { parseStatCpuTicks, parseStatusKb, sampleProc } from "./proc-stat.js";

describe("parseStatCpuTicks", () => {
  it("adds utime and stime, counting fields after the command name", () => {
    const stat =
      "4242 (node) S 1 4242 4242 0 -1 4194560 12000 0 0 0 350 120 0 0 20 0 11 0 9000 1200000000 50000 18446744073709551615";
    expect(parseStatCpuTicks(stat)).toBe(470);
  });

  it("is not fooled by spaces and parentheses in the command name", () => {
    const stat = "77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0 1 1 1";
    expect(parseStatCpuTicks(stat)).toBe(11);
  });
});

describe("parseStatusKb", () => {
  const status =
    "Name:\tnode\nVmPeak:\t 1000000 kB\nVmHWM:\t  251300 kB\nVmRSS:\t  212100 kB\nThreads:\t11\n";

  it("reads a kB line by its key", () => {
    expect(parseStatusKb(status, "VmRSS")).toBe(212100);
    expect(parseStatusKb(status, "VmHWM")).toBe(251300);
  });

  it("is 0 for a key that is absent (a kernel thread has no VmRSS)", () => {
    expect(parseStatusKb(status, "VmSwap")).toBe(0);
  });
});

describe("sampleProc", () => {
  it("reads this very process, and nothing for a pid that does not exist", () => {
    const me = sampleProc(process.pid);
    expect(me?.rssKb).toBeGreaterThan(0);
    expect(me?.peakRssKb).toBeGreaterThanOrEqual(me?.rssKb ?? 0);
    expect(sampleProc(2 ** 22 + 1)).toBeUndefined();
  });
});
