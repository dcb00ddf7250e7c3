import { setTimeout as delay } from "node:timers/promises";
import { limitFileSize, unlimitFileSize } from "../system/file-size-limit.js";
import { type Fault, recordFault } from "./fault.js";

export interface FullDiskOptions {
  /** The services whose disk fills, in turn (default: every service with a SQLite file). */
  readonly only?: readonly string[];
  readonly fullMs: number;
}

/**
 * No file of the service may be written past its first 32 KiB while the disk is full: SQLite's WAL and
 * database cannot take a new page (a few commits may still land in WAL space already there, as on a real
 * full disk), so its writes fail with an I/O error within moments.
 */
const FULL_AT_BYTES = 32 * 1024;

async function readiness(url: string): Promise<string> {
  try {
    const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return String(response.status);
  } catch {
    return "no answer";
  }
}

/**
 * `fullDisk` fills one service's disk at a time, mid-load, for `fullMs`, then there is room again. The kit
 * offers no setting for this (a `PRAGMA max_page_count` variable would do it from inside, with
 * SQLITE_FULL); a file-size limit on the running process does it from outside (SQLITE_IOERR_WRITE). Its
 * readiness at the end of the outage is noted in the history.
 */
export function fullDisk(options: FullDiskOptions): Fault {
  return {
    name: "full-disk",
    description: `each target's SQLite file cannot grow for ${Math.round(options.fullMs / 1000)} s`,
    async inject(context) {
      const targets = context.system.services.filter(
        (s) => s.usesSqlite && (!options.only || options.only.includes(s.name)),
      );
      const spacing = Math.max(0, (context.loadMs - options.fullMs * targets.length) / (targets.length + 1));
      for (const service of targets) {
        await delay(spacing);
        const proc = context.system.process(service.name);
        const pid = proc.pid;
        recordFault(context, { fault: "disk-full", action: "start", target: service.name });
        await limitFileSize(pid, FULL_AT_BYTES);
        await delay(options.fullMs);
        const ready = await readiness(proc.url);
        recordFault(context, {
          fault: "disk-full",
          action: "note",
          target: service.name,
          detail: `readiness ${ready} while full`,
        });
        // A service that died of it is restarted (that is a finding in itself: the history shows it).
        if (proc.pid === pid) await unlimitFileSize(pid);
        else
          recordFault(context, {
            fault: "disk-full",
            action: "note",
            target: service.name,
            detail: "it exited",
          });
        if (!proc.running) await proc.start();
        recordFault(context, { fault: "disk-full", action: "heal", target: service.name });
      }
    },
  };
}
