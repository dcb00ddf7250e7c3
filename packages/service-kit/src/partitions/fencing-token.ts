import type { KV } from "@nats-io/kv";
import { ConflictError } from "../errors/app-error.js";
import { leaseKey } from "./lease-bucket.js";
import { readLeaseEntry } from "./lease-record.js";

export interface AssertFencingTokenOptions {
  /** The service's lease bucket (`openLeaseBucket`). */
  readonly kv: KV;
  readonly partition: number;
  /** The token the write carries (`PartitionLease.token` of the writer). */
  readonly token: number;
}

/**
 * `assertFencingToken` refuses a write stamped with a fencing token that is no longer the partition's
 * current one: the lease expired, or another instance acquired it since (with a higher token).
 *
 * Why it exists: a lease holder's own view can be stale. A process paused past the TTL (GC, SIGSTOP, a
 * frozen VM) still believes it owns the partition when it wakes, and anything it had already sent is
 * still on its way. The broker's KV is the one authority, so every write that leaves the process carries
 * the token, and whoever applies it (the writer just before sending, or better the receiver) checks it
 * here. Reads go to the stream leader (the bucket has direct gets off), so a lagging replica cannot
 * vouch for a stale token.
 */
export async function assertFencingToken({ kv, partition, token }: AssertFencingTokenOptions): Promise<void> {
  const current = readLeaseEntry(await kv.get(leaseKey(partition)));
  if (current?.token === token) return;
  throw new ConflictError(`partition ${partition}: the writer's lease is no longer current`, {
    reason: "STALE_FENCING_TOKEN",
    details: { partition, ...(current ? { currentOwner: current.owner } : {}) },
  });
}
