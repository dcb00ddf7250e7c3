import { readdirSync, readFileSync } from "node:fs";

export interface ProcessInfo {
  readonly pid: number;
  readonly ppid: number;
  readonly command: string;
  readonly env: ReadonlyMap<string, string>;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * `processesWith` lists the live processes whose environment has `name=value` (Linux procfs). A run's
 * own `DATA_DIR` marks everything that run started, from pnpm down to each service and the broker, so
 * "nothing is left" can be checked without knowing a single pid.
 */
export function processesWith(name: string, value: string): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = read(`/proc/${entry}/environ`);
    if (!environ) continue;
    const env = new Map(
      environ
        .split("\0")
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)] as const),
    );
    if (env.get(name) !== value) continue;
    // A zombie has no command line: it is gone as far as ports and files go.
    const command = (read(`/proc/${entry}/cmdline`) ?? "").split("\0").join(" ").trim();
    const stat = read(`/proc/${entry}/stat`) ?? "";
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    if (command) found.push({ pid: Number(entry), ppid, command, env });
  }
  return found;
}
