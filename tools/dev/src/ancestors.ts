import { readFileSync } from "node:fs";

interface ProcStat {
  readonly ppid: number;
  readonly session: number;
  /** Start time in clock ticks since boot: with the pid, it names one process even after pid reuse. */
  readonly startTime: string;
}

/** Reads `/proc/<pid>/stat` (Linux); undefined where there is no procfs or the process is gone. */
function procStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) is in parentheses and may hold spaces: split after its closing one.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), session: Number(fields[3]), startTime: fields[19] ?? "" };
  } catch {
    return undefined;
  }
}

/** One process above this one: its pid, and what identifies it when procfs is there. */
export interface Ancestor {
  readonly pid: number;
  readonly startTime: string | undefined;
}

/**
 * `ancestors` lists the processes between this one and the session leader (the shell): `tsx`, the `sh -c`
 * pnpm wraps scripts in, pnpm, the outer pnpm. The shell itself counts only when it is the parent, so
 * `nohup pnpm dev &` outlives its shell as nohup means. Without procfs (macOS) it is the parent only.
 */
export function ancestors(pid: number = process.pid): Ancestor[] {
  const own = procStat(pid);
  if (!own) return [{ pid: process.ppid, startTime: undefined }];
  const chain: Ancestor[] = [];
  let current = own;
  while (current.ppid > 1 && chain.length < 32) {
    const parentPid = current.ppid;
    const parent = procStat(parentPid);
    if (!parent) break;
    if (parent.session === parentPid && chain.length > 0) break;
    chain.push({ pid: parentPid, startTime: parent.startTime });
    if (parent.session === parentPid) break;
    current = parent;
  }
  return chain;
}

/** Whether one of the listed processes has died (or was replaced by another with its pid). */
export function anyAncestorGone(list: readonly Ancestor[]): boolean {
  return list.some((a) => {
    if (a.startTime !== undefined) return procStat(a.pid)?.startTime !== a.startTime;
    return a.pid !== process.ppid;
  });
}

/**
 * `watchAncestors` calls `onGone` once when any process that started this one dies. pnpm may run a script
 * in a process group of its own, so a closed terminal's SIGHUP or a Ctrl-C can end pnpm without ever
 * reaching the runner: this is how the runner still learns that nobody is there any more.
 */
export function watchAncestors(options: { readonly onGone: () => void; readonly intervalMs?: number }): {
  stop(): void;
} {
  const list = ancestors();
  const timer = setInterval(() => {
    if (!anyAncestorGone(list)) return;
    clearInterval(timer);
    options.onGone();
  }, options.intervalMs ?? 500);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
