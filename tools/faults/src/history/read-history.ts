import { readFileSync } from "node:fs";
import type { HistoryEntry } from "./history-entry.js";

/**
 * `readHistory` parses a history file. A torn last line (the harness was killed mid-write) is dropped;
 * any other line that is not an entry is an error naming its line number.
 */
export function readHistory(file: string): HistoryEntry[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const entries: HistoryEntry[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    try {
      const parsed: unknown = JSON.parse(line);
      if (!isEntry(parsed)) throw new Error("not a history entry");
      entries.push(parsed);
    } catch (err) {
      if (index === lines.length - 1) return;
      throw new Error(`${file}:${index + 1}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return entries;
}

function isEntry(value: unknown): value is HistoryEntry {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { t?: unknown }).t === "number" &&
    typeof (value as { type?: unknown }).type === "string"
  );
}
