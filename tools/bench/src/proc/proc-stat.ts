import { readFileSync } from "node:fs";

/** What `/proc/<pid>/stat` and `/proc/<pid>/status` say about one process at one moment. */
export interface ProcSample {
  /** User plus system CPU time so far, in clock ticks. */
  readonly cpuTicks: number;
  /** Resident set now and at its peak (`VmRSS`, `VmHWM`), in kB. */
  readonly rssKb: number;
  readonly peakRssKb: number;
}

/** Clock ticks per second (`getconf CLK_TCK`): 100 on every Linux this runs on. */
export const CLOCK_TICKS = 100;

/**
 * `parseStatCpuTicks` reads utime + stime (fields 14 and 15) from a `/proc/<pid>/stat` line. The command name
 * (field 2) is in parentheses and may hold spaces or parentheses, so fields are counted after the last `)`.
 */
export function parseStatCpuTicks(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // `rest[0]` is field 3 (state): utime is field 14, stime field 15.
  return Number(rest[11]) + Number(rest[12]);
}

/** `parseStatusKb` reads a `kB` line (`VmRSS`, `VmHWM`) of `/proc/<pid>/status`; 0 when absent. */
export function parseStatusKb(status: string, key: string): number {
  const match = new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  return match ? Number(match[1]) : 0;
}

/** `sampleProc` reads one process's CPU and memory now; undefined when it is gone. */
export function sampleProc(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return {
      cpuTicks: parseStatCpuTicks(stat),
      rssKb: parseStatusKb(status, "VmRSS"),
      peakRssKb: parseStatusKb(status, "VmHWM"),
    };
  } catch {
    return undefined;
  }
}

/** One process's use over a measured window. */
export interface ProcUsage {
  /** CPU used in the window as a share of one core (1 = one core busy all along). */
  readonly cpu: number;
  /** The highest RSS seen during the window (sampled), in MB. */
  readonly peakRssMb: number;
  readonly rssAfterMb: number;
}

/**
 * `watchProcs` samples every named process every `intervalMs` until `stop()`, which returns each one's CPU
 * share over the window and its peak RSS in it (sampled: `VmHWM` is the lifetime peak, so it cannot say what
 * a window used).
 */
export function watchProcs(pids: Readonly<Record<string, number>>, intervalMs = 200) {
  const start = performance.now();
  const first = new Map<string, ProcSample>();
  const peak = new Map<string, number>();
  const observe = (): void => {
    for (const [name, pid] of Object.entries(pids)) {
      const s = sampleProc(pid);
      if (!s) continue;
      if (!first.has(name)) first.set(name, s);
      peak.set(name, Math.max(peak.get(name) ?? 0, s.rssKb));
    }
  };
  observe();
  const timer = setInterval(observe, intervalMs);
  return {
    stop(): Record<string, ProcUsage> {
      clearInterval(timer);
      observe();
      const seconds = (performance.now() - start) / 1000;
      const out: Record<string, ProcUsage> = {};
      for (const [name, pid] of Object.entries(pids)) {
        const a = first.get(name);
        const b = sampleProc(pid);
        if (!a || !b) continue;
        out[name] = {
          cpu: Math.round(((b.cpuTicks - a.cpuTicks) / CLOCK_TICKS / seconds) * 100) / 100,
          peakRssMb: Math.round((peak.get(name) ?? 0) / 102.4) / 10,
          rssAfterMb: Math.round(b.rssKb / 102.4) / 10,
        };
      }
      return out;
    },
  };
}
