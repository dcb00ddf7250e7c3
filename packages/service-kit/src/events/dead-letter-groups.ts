import { normalizeError } from "./dead-letter-filter.js";

/** Dead letters that failed alike: the same service, consumer and normalized error. */
export interface DeadLetterGroup {
  /** Stable across gateways and restarts (`deadLetterGroupKey`): pass it back as a filter's `groupKey`. */
  readonly key: string;
  readonly service: string;
  readonly consumer: string;
  /** The error with its variable parts collapsed (`normalizeError`). */
  readonly errorPattern: string;
  /** The error of the newest dead letter of the group, as it was. */
  readonly sampleError: string;
  /** The newest dead letter of the group. */
  readonly sampleId: number;
  readonly count: number;
  readonly firstFailedAt: string;
  readonly lastFailedAt: string;
  /** The event types among them, sorted (malformed messages have none). */
  readonly eventTypes: readonly string[];
}

interface GroupedLetter {
  readonly id: number;
  readonly service: string;
  readonly consumer: string;
  readonly error: string;
  readonly failedAt: string;
  readonly eventType: string | undefined;
  readonly groupKey: string;
}

interface Tally {
  first: GroupedLetter;
  last: GroupedLetter;
  count: number;
  types: Set<string>;
}

/**
 * `createDeadLetterGrouping` tallies dead letters into groups as they are read, keeping one small record
 * per group (not the letters), so grouping a large dead-letter stream costs its groups, not its size.
 */
export function createDeadLetterGrouping() {
  const tallies = new Map<string, Tally>();
  let total = 0;
  return {
    add(letter: GroupedLetter): void {
      total++;
      const tally = tallies.get(letter.groupKey);
      if (!tally) {
        tallies.set(letter.groupKey, {
          first: letter,
          last: letter,
          count: 1,
          types: new Set(letter.eventType ? [letter.eventType] : []),
        });
        return;
      }
      tally.count++;
      if (letter.eventType) tally.types.add(letter.eventType);
      // Stream order is failure order, but compare anyway: `failedAt` comes from the consumer's clock.
      if (letter.failedAt < tally.first.failedAt) tally.first = letter;
      if (letter.failedAt >= tally.last.failedAt) tally.last = letter;
    },
    /** The groups, largest first (then the most recent failure first). */
    result(): { groups: DeadLetterGroup[]; total: number } {
      const groups = [...tallies.entries()].map(
        ([key, t]): DeadLetterGroup => ({
          key,
          service: t.last.service,
          consumer: t.last.consumer,
          errorPattern: normalizeError(t.last.error),
          sampleError: t.last.error,
          sampleId: t.last.id,
          count: t.count,
          firstFailedAt: t.first.failedAt,
          lastFailedAt: t.last.failedAt,
          eventTypes: [...t.types].sort(),
        }),
      );
      groups.sort((a, b) => b.count - a.count || b.lastFailedAt.localeCompare(a.lastFailedAt));
      return { groups, total };
    },
  };
}
