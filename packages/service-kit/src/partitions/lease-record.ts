import type { KvEntry } from "@nats-io/kv";

/** What a lease key holds: who owns the partition, and since which revision (its fencing token). */
export interface LeaseRecord {
  readonly owner: string;
  /**
   * The revision that created this ownership. Absent on the creating write itself (its revision is not
   * known before it is written), so the creating entry's own revision stands in.
   */
  readonly epoch?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeLeaseRecord(record: LeaseRecord): Uint8Array {
  return encoder.encode(JSON.stringify(record));
}

/** A live lease entry's owner and fencing token, or undefined for a deleted, purged or foreign value. */
export function readLeaseEntry(entry: KvEntry | null): { owner: string; token: number } | undefined {
  if (entry?.operation !== "PUT") return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(entry.value));
    if (typeof value !== "object" || value === null) return undefined;
    const { owner, epoch } = value as Record<string, unknown>;
    if (typeof owner !== "string") return undefined;
    return { owner, token: typeof epoch === "number" ? epoch : entry.revision };
  } catch {
    return undefined;
  }
}
