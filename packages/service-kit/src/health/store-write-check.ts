import { statfsSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import type Database from "better-sqlite3";
import { CheckFailed, type ReadinessCheck } from "./readiness.js";

export interface StoreWriteCheckOptions {
  readonly sqlite: Database.Database;
  /** The database file (its folder's file system is the one measured). */
  readonly file: string;
  /** Fail when fewer pages than this can still be allocated under SQLite's `max_page_count` (default 64). */
  readonly minFreePages?: number;
  /** Fail when the file system holding the database has less free space than this (default 16 MiB). */
  readonly minFreeBytes?: number;
  /** Readiness may be asked far more often than this; the probe runs at most once per interval (default 1 s). */
  readonly minIntervalMs?: number;
  /** Longest wait for the write lock (default 250 ms): a busy file fails the check instead of stalling it. */
  readonly busyTimeoutMs?: number;
}

type Outcome = CheckFailed | { readonly writeMs: number };

/**
 * `storeWriteCheck` is the readiness check of a service's SQLite file: can it take a write now?
 * `SELECT 1` passes on a full disk or a read-only file. A write inside a transaction that is rolled back
 * is not enough either: its pages stay in the page cache and never reach the disk. So the probe:
 * 1. commits a small write to a heartbeat row (`kit_heartbeat`), which fails on a read-only file, mount or
 *    connection (`SQLITE_READONLY`), an I/O error, or a lock held past the busy timeout;
 * 2. checks there is room for more pages under `max_page_count` (`SQLITE_FULL` at the page limit: an
 *    in-place update of the heartbeat row needs no new page, so it would still pass);
 * 3. checks the file system's free space (on a full disk the heartbeat can still pass by reusing WAL space
 *    while any write that needs a new page fails).
 * It is local: while it fails, the consumers pause rather than fail events.
 */
export function storeWriteCheck(o: StoreWriteCheckOptions): ReadinessCheck {
  return { name: "sqlite", local: true, run: () => stateFor(o.sqlite).run(o) };
}

// One state per connection, so a result is reused between the many evaluations of readiness.
const states = new WeakMap<Database.Database, ProbeState>();

function stateFor(sqlite: Database.Database): ProbeState {
  let state = states.get(sqlite);
  if (!state) {
    state = new ProbeState();
    states.set(sqlite, state);
  }
  return state;
}

const who = `${hostname()}:${process.pid}`;

class ProbeState {
  #last: { at: number; outcome: Outcome } | undefined;
  #beat: Database.Statement<[string, number]> | undefined;

  run(o: StoreWriteCheckOptions): Outcome {
    const now = Date.now();
    if (this.#last && now - this.#last.at < (o.minIntervalMs ?? 1000)) return this.#last.outcome;
    const outcome = this.#probe(o);
    this.#last = { at: now, outcome };
    return outcome;
  }

  #probe(o: StoreWriteCheckOptions): Outcome {
    const { sqlite } = o;
    if (!sqlite.open) return new CheckFailed("the database is closed");
    const room = pageRoom(o);
    if (room) return room;
    const disk = diskRoom(o);
    if (disk) return disk;
    const started = performance.now();
    const previous = Number(sqlite.pragma("busy_timeout", { simple: true }));
    try {
      this.#beat ??= sqlite.prepare(
        `INSERT INTO kit_heartbeat (name, instance, beat_at) VALUES ('readiness', ?, ?)
         ON CONFLICT (name) DO UPDATE SET instance = excluded.instance, beat_at = excluded.beat_at`,
      );
      sqlite.pragma(`busy_timeout = ${o.busyTimeoutMs ?? 250}`);
      // Autocommit: the write is committed (and synced) before this returns.
      this.#beat.run(who, Date.now());
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      return new CheckFailed(
        `cannot write: ${typeof code === "string" ? `${code}: ` : ""}${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      if (sqlite.open) sqlite.pragma(`busy_timeout = ${previous}`);
    }
    return { writeMs: Math.round((performance.now() - started) * 100) / 100 };
  }
}

function pageRoom(o: StoreWriteCheckOptions): CheckFailed | undefined {
  const pages = Number(o.sqlite.pragma("page_count", { simple: true }));
  const max = Number(o.sqlite.pragma("max_page_count", { simple: true }));
  const free = Number(o.sqlite.pragma("freelist_count", { simple: true }));
  const room = max - pages + free;
  if (room >= (o.minFreePages ?? 64)) return undefined;
  return new CheckFailed(`SQLITE_FULL: room for ${room} more pages (${pages} of at most ${max} used)`);
}

function diskRoom(o: StoreWriteCheckOptions): CheckFailed | undefined {
  let free: number;
  try {
    const fs = statfsSync(dirname(o.file));
    free = fs.bavail * fs.bsize;
  } catch {
    // Not measurable here (e.g. an unusual file system): the committed write still runs.
    return undefined;
  }
  const min = o.minFreeBytes ?? 16 * 1024 * 1024;
  if (free >= min) return undefined;
  return new CheckFailed(
    `SQLITE_FULL: ${Math.floor(free / 1024)} KiB free on the disk holding the database (at least ${Math.floor(min / 1024)} KiB needed)`,
  );
}
