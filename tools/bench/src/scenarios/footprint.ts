import { sampleProc } from "../proc/proc-stat.js";
import { markdownTable } from "../report/markdown.js";
import type { ScenarioResult } from "../report/result.js";
import type { ReadSession } from "./read-session.js";

const mb = (kb: number) => Math.round(kb / 102.4) / 10;

/**
 * Scenario 5: per process, idle RSS once everything was ready, RSS and peak (VmHWM) after the read load,
 * and each stack's time to ready. Called after the read scenarios ran on the session.
 */
export function footprint(session: ReadSession, loaded: boolean): ScenarioResult {
  const rows: string[][] = [];
  const stacks: Array<{ name: string; readyMs: number; pids: Record<string, number> }> = [
    { name: "bazaar", readyMs: session.system.readyMs, pids: session.system.pids() },
    { name: "bazaar-traced", readyMs: session.traced.readyMs, pids: session.traced.pids() },
    ...session.targets.slice(2).map((t) => ({ name: t.name, readyMs: t.readyMs, pids: t.pids() })),
  ];
  let totals = "";
  for (const s of stacks) {
    let idleSum = 0;
    let afterSum = 0;
    for (const [proc, pid] of Object.entries(s.pids)) {
      const now = sampleProc(pid);
      const idle = session.idleRssMb[s.name]?.[proc] ?? 0;
      if (proc !== "nats") {
        idleSum += idle;
        afterSum += mb(now?.rssKb ?? 0);
      }
      rows.push([
        s.name,
        proc,
        String(idle),
        String(mb(now?.rssKb ?? 0)),
        String(mb(now?.peakRssKb ?? 0)),
        proc === Object.keys(s.pids)[0] ? String(Math.round(s.readyMs)) : "",
      ]);
    }
    totals += `${s.name}: idle ${Math.round(idleSum)} MB, after load ${Math.round(afterSum)} MB (without nats-server); `;
  }
  return {
    name: "footprint",
    title: "5. Footprint",
    unit: "MB",
    method: `RSS from /proc/<pid>/status (VmRSS, VmHWM). Idle: 3 s after every stack was ready; after: ${loaded ? "once the read scenarios ran" : "no load was run (run gateway-read with it)"}. Time to ready: first spawn to /health/ready of every service (Bazaar, streams already created) or to the first 200 of the product read (peers).`,
    rows: [],
    ratios: {},
    measurements: [],
    notes: [
      markdownTable(
        ["stack", "process", "idle RSS MB", "RSS after load MB", "peak RSS MB", "time to ready ms"],
        rows,
      ),
      `Totals: ${totals}`,
    ],
  };
}
