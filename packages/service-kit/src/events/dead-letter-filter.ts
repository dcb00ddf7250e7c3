import { createHash } from "node:crypto";

/**
 * Which dead letters an operator means: every field narrows the match, and an empty filter matches all.
 * Exact fields compare as written; `error` is a case-insensitive substring of the error text.
 */
export interface DeadLetterFilter {
  readonly service?: string | undefined;
  readonly consumer?: string | undefined;
  /** The stream the event came from (e.g. `USERS`), not the dead-letter stream. */
  readonly stream?: string | undefined;
  /** The envelope's `type`, e.g. `user.registered`. */
  readonly eventType?: string | undefined;
  readonly error?: string | undefined;
  /** Failed at or after. */
  readonly from?: Date | undefined;
  /** Failed at or before. */
  readonly to?: Date | undefined;
  /** One group of `groupDeadLetters` (its `key`). */
  readonly groupKey?: string | undefined;
}

/** What a filter looks at in a dead letter. */
export interface FilterableLetter {
  readonly service: string;
  readonly consumer: string;
  readonly stream: string;
  readonly eventType: string | undefined;
  readonly error: string;
  readonly failedAt: string;
  readonly groupKey: string;
}

// Each rule hides one kind of value that differs between failures of the same cause, most specific first:
// a quoted value, a UUID, an id token mixing letters and digits (NATS nuids, hex hashes), then any number.
const VARIABLE_PARTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, "<str>"],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, "<uuid>"],
  [/\b(?=\w*\d)(?=\w*[a-z])\w{8,}\b/gi, "<id>"],
  [/\d+(?:\.\d+)?/g, "<n>"],
  [/\s+/g, " "],
];

/**
 * `normalizeError` is an error text with its variable parts collapsed, so that failures of one cause read
 * alike: "order 123 not found" and "order 456 not found" both become "order <n> not found".
 *
 * @example
 * normalizeError('no stock for "MUG-001" (order 7f9c1e2a-0b1d-4c1e-9f00-3a2b1c0d9e8f)');
 * // 'no stock for <str> (order <uuid>)'
 */
export function normalizeError(error: string): string {
  let out = error;
  for (const [pattern, replacement] of VARIABLE_PARTS) out = out.replace(pattern, replacement);
  return out.trim();
}

/**
 * `deadLetterGroupKey` names the group of a failure: the same service, consumer and normalized error give
 * the same key on every gateway and after every restart (a hash, not a counter), so a console can link to it.
 */
export function deadLetterGroupKey(letter: { service: string; consumer: string; error: string }): string {
  return createHash("sha256")
    .update(`${letter.service}\n${letter.consumer}\n${normalizeError(letter.error)}`)
    .digest("hex")
    .slice(0, 16);
}

/** The time a dead letter failed, in epoch ms (NaN when its header is missing or garbled). */
function failedAtMs(letter: FilterableLetter): number {
  return Date.parse(letter.failedAt);
}

/** `matchesDeadLetter` says whether a dead letter is one the filter means. */
export function matchesDeadLetter(letter: FilterableLetter, filter: DeadLetterFilter): boolean {
  if (filter.service !== undefined && letter.service !== filter.service) return false;
  if (filter.consumer !== undefined && letter.consumer !== filter.consumer) return false;
  if (filter.stream !== undefined && letter.stream !== filter.stream) return false;
  if (filter.eventType !== undefined && letter.eventType !== filter.eventType) return false;
  if (filter.groupKey !== undefined && letter.groupKey !== filter.groupKey) return false;
  if (filter.error !== undefined && !letter.error.toLowerCase().includes(filter.error.toLowerCase()))
    return false;
  if (filter.from !== undefined || filter.to !== undefined) {
    const at = failedAtMs(letter);
    // A letter without a readable time matches no time range.
    if (Number.isNaN(at)) return false;
    if (filter.from !== undefined && at < filter.from.getTime()) return false;
    if (filter.to !== undefined && at > filter.to.getTime()) return false;
  }
  return true;
}

/** `deadLetterFilter` is the dead-letter subjects of one service (`dlq.<service>.>`), or all of them. */
export function deadLetterFilter(service?: string): string {
  return service ? `dlq.${service}.>` : "dlq.>";
}
