export interface PartitionOfOptions {
  /**
   * The key: one subject token, or several whose concatenation is hashed (what `partition(n, 1, 2)` does
   * with wildcards 1 and 2: nats-server joins them with no separator).
   */
  readonly key: string | readonly string[];
  /** How many partitions there are (fixed at deploy). */
  readonly partitions: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const encoder = new TextEncoder();

/** FNV-1a, 32 bits, over the key's UTF-8 bytes: Go's `hash/fnv` `New32a`. */
function fnv1a32(bytes: Uint8Array): number {
  let hash = FNV_OFFSET;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, FNV_PRIME) >>> 0;
  return hash;
}

/** `assertPartitionCount` refuses a count nats-server would not accept for `partition(n, ...)`. */
export function assertPartitionCount(partitions: number): void {
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 0x7fffffff)
    throw new RangeError("partitions must be an integer from 1 to 2147483647");
}

/**
 * `partitionOf` is the partition (0..partitions-1) a key belongs to, computed exactly as nats-server's
 * subject mapping function `{{partition(n, i...)}}` computes it (`getHashPartition` in
 * `server/subject_transform.go`: FNV-1a 32-bit over the tokens, modulo n). So a caller may compute the
 * partition itself, or publish `rpc.<service>.<key>` and let a server mapping add it; both agree.
 */
export function partitionOf({ key, partitions }: PartitionOfOptions): number {
  assertPartitionCount(partitions);
  const joined = typeof key === "string" ? key : key.join("");
  return fnv1a32(encoder.encode(joined)) % partitions;
}
