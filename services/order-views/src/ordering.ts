import type { EventEnvelope } from "@bazaar/contracts";
import { type SQL, type SQLWrapper, sql } from "drizzle-orm";

/**
 * Where an event stands among its publisher's events about one order: the sequence the publisher gave it
 * (`aggregate.seq`), or null for an event recorded before publishers numbered them; and its time.
 */
export interface Position {
  readonly seq: number | null;
  readonly at: string;
}

/** A position as SQL operands: an event's values, or the columns a group of fields was last set from. */
export interface PositionSql {
  readonly seq: SQLWrapper | number | null;
  readonly at: SQLWrapper | string | null;
}

/** `positionOf` reads an event's position; a sequence about another key than the order is not used. */
export function positionOf(event: EventEnvelope, orderId: string): Position {
  const seq = event.aggregate?.key === orderId ? event.aggregate.seq : null;
  return { seq, at: event.occurredAt };
}

/**
 * `comesAfter` is the read model's one ordering rule, as SQL: true when `next` is newer than `current`.
 * Between sequenced events the publisher's sequence decides (it follows the publisher's commits, not its
 * clock). An event without a sequence was recorded before its publisher numbered events, so it is older
 * than any sequenced one; between two of those, time decides, as it did then. An empty `current` (the
 * group was never set) is older than anything. With `orEqual` a tie counts as newer: a rebuilt row then
 * wins over the live row it equals, which repairs a live row damaged in place.
 */
export function comesAfter(
  next: PositionSql,
  current: PositionSql,
  options: { orEqual?: boolean } = {},
): SQL {
  const before = options.orEqual ? sql.raw("<=") : sql.raw("<");
  return sql`coalesce(CASE WHEN ${next.seq} IS NOT NULL
    THEN (${current.seq} IS NULL OR ${current.seq} ${before} ${next.seq})
    ELSE (${current.seq} IS NULL AND (${current.at} IS NULL OR ${current.at} ${before} ${next.at})) END, 0)`;
}
