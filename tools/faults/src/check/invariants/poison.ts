import type { EntryOf, HistoryEntry } from "../../history/history-entry.js";
import type { SystemInvariant } from "../check-context.js";
import { type Violation, violation } from "../violation.js";
import { consumersOf } from "./events.js";

function poisonOf(history: readonly HistoryEntry[]): Array<EntryOf<"poison">> {
  return history.filter((e): e is EntryOf<"poison"> => e.type === "poison");
}

/** Each poison message the run injected was dead-lettered by every consumer of its subject, once. */
export const poisonDeadLettered: SystemInvariant = {
  name: "poison-dead-lettered",
  description:
    "every poison message injected into a stream is in DEAD_LETTERS once for each consumer of its subject",
  check({ history, final }) {
    const out: Violation[] = [];
    for (const poison of poisonOf(history)) {
      for (const consumer of consumersOf(final.consumers, poison.stream, poison.subject)) {
        const copies = final.deadLetters.filter(
          (d) =>
            d.originStream === poison.stream && d.originSeq === poison.seq && d.consumer === consumer.name,
        ).length;
        if (copies !== 1)
          out.push(
            violation(
              this.name,
              `${poison.stream}:${poison.seq}`,
              `poison (${poison.variant}) at ${poison.stream}:${poison.seq} has ${copies} dead letters from ${consumer.name} (expected 1)`,
            ),
          );
      }
    }
    return out;
  },
};

/** Only poison is dead-lettered: a healthy event in DEAD_LETTERS was given up on because of a fault. */
export const healthyEventsApplied: SystemInvariant = {
  name: "no-healthy-event-dead-lettered",
  description:
    "DEAD_LETTERS holds only the poison the run injected: no valid event is given up on because of a fault",
  check({ history, final }) {
    const poison = new Set(poisonOf(history).map((p) => `${p.stream}:${p.seq}`));
    return final.deadLetters
      .filter((d) => !poison.has(`${d.originStream}:${d.originSeq}`))
      .map((d) =>
        violation(
          this.name,
          `${d.originStream}:${d.originSeq}`,
          `${d.consumer} dead-lettered the healthy event at ${d.originStream}:${d.originSeq} (${d.reason})`,
        ),
      );
  },
};
