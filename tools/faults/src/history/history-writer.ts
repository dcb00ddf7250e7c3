import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { HistoryEntry } from "./history-entry.js";

/** Distributes `Omit` over the union, so each entry keeps its own fields. */
export type Unstamped<E> = E extends unknown ? Omit<E, "t"> : never;

export interface History {
  readonly file: string;
  /** Stamps the entry with the harness's clock, appends it to the file, and keeps it in memory. */
  record(entry: Unstamped<HistoryEntry>): void;
  entries(): readonly HistoryEntry[];
}

export interface HistoryOptions {
  readonly file: string;
  /** The clock (tests pass their own). */
  readonly now?: () => number;
}

/**
 * `createHistory` starts an empty JSON-lines history file. Each entry is appended as it happens (one
 * synchronous write each), so a harness that dies mid-run still leaves everything it saw.
 */
export function createHistory({ file, now = Date.now }: HistoryOptions): History {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, "");
  const kept: HistoryEntry[] = [];
  return {
    file,
    record(entry) {
      const stamped = { t: now(), ...entry } as HistoryEntry;
      kept.push(stamped);
      appendFileSync(file, `${JSON.stringify(stamped)}\n`);
    },
    entries: () => kept,
  };
}
