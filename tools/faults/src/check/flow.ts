import type { HistoryEntry } from "../history/history-entry.js";

/** Orders acknowledged while a fault was on, and how many of them were confirmed before it healed. */
export interface Flow {
  readonly placedWhileDown: number;
  readonly confirmedWhileDown: number;
  readonly downMs: number;
}

/**
 * `measureFlow` is the share of orders that kept flowing through a fault: of the orders acknowledged
 * between its first `start` and its last `heal`, those the client saw confirmed before the heal. A
 * service down in one instance of two should let about half through; down in its only one, none.
 */
export function measureFlow(entries: readonly HistoryEntry[]): Flow | undefined {
  const faults = entries.filter((e) => e.type === "fault");
  const start = faults.find((e) => e.action === "start")?.t;
  const heal = faults.filter((e) => e.action === "heal").at(-1)?.t;
  if (start === undefined || heal === undefined) return undefined;
  const placed = new Set(
    entries.flatMap((e) => (e.type === "ack" && e.t >= start && e.t < heal ? [e.orderId] : [])),
  );
  const confirmed = new Set(
    entries.flatMap((e) =>
      e.type === "observe" && e.status === "confirmed" && e.t < heal && placed.has(e.orderId)
        ? [e.orderId]
        : [],
    ),
  );
  return { placedWhileDown: placed.size, confirmedWhileDown: confirmed.size, downMs: heal - start };
}
