import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { ConflictError } from "../errors/app-error.js";

/** The KV bucket holding one service's partition leases (its stream is `KV_leases-<service>`). */
export const leaseBucketName = (service: string): string => `leases-${service}`;

/** The JetStream stream behind a lease bucket (KV buckets are streams named `KV_<bucket>`). */
export const leaseStreamName = (service: string): string => `KV_${leaseBucketName(service)}`;

/** A partition's key in its service's lease bucket. */
export const leaseKey = (partition: number): string => `partition-${partition}`;

export interface OpenLeaseBucketOptions {
  readonly nc: NatsConnection;
  readonly service: string;
  /** The lease lifetime: how long a key outlives its owner's last renewal. */
  readonly ttlMs: number;
  /** Default `leaseBucketName(service)`. */
  readonly bucket?: string;
  /** JetStream replicas of the bucket (3 on a three-server cluster). Default 1. */
  readonly replicas?: number;
}

/**
 * `openLeaseBucket` opens (creating it if missing) a service's lease bucket, whose TTL is the lease
 * lifetime.
 *
 * Why the bucket's TTL (stream `max_age`) and not a per-key TTL (nats-server 2.11's per-message TTL): a
 * lease lives only as long as its last renewal, so every renewal must restart the clock. `max_age`
 * does that on its own (each revision expires `ttl` after it was written, and history is 1), and works
 * on any server. In the nats.js KV client a per-key TTL reaches only `create`; `update`, the renewal,
 * cannot carry one, so a renewed key would lose its TTL and outlive its owner. One bucket per service
 * keeps one lifetime for all its partitions, and its grants name only its own bucket
 * (`partitionLeaseGrants`).
 *
 * Why `allow_direct: false`: direct gets may be answered by any replica, possibly a lagging one; the
 * fencing check (`assertFencingToken`) must read what the stream leader has, so gets go through it.
 *
 * An existing bucket keeps its configuration, so a bucket whose TTL differs from `ttlMs` is refused:
 * two instances disagreeing on the lease lifetime would each compute the other's expiry wrongly.
 */
export async function openLeaseBucket({
  nc,
  service,
  ttlMs,
  bucket = leaseBucketName(service),
  replicas = 1,
}: OpenLeaseBucketOptions): Promise<KV> {
  assertTtl(ttlMs);
  const kv = await new Kvm(nc).create(bucket, { ttl: ttlMs, history: 1, replicas, allow_direct: false });
  await assertBucketTtl(kv, ttlMs);
  return kv;
}

export function assertTtl(ttlMs: number): void {
  // Below a few hundred milliseconds one slow renewal (a GC pause, a busy broker) loses the lease.
  if (!Number.isInteger(ttlMs) || ttlMs < 300)
    throw new RangeError("ttlMs must be an integer of at least 300");
}

/** `assertBucketTtl` refuses a lease bucket whose TTL is not the lease lifetime the caller plans with. */
export async function assertBucketTtl(kv: KV, ttlMs: number): Promise<void> {
  const status = await kv.status();
  if (status.ttl !== ttlMs)
    throw new ConflictError(
      `lease bucket ${status.bucket} has a TTL of ${status.ttl} ms, not the configured ${ttlMs} ms`,
      { reason: "LEASE_TTL_MISMATCH", details: { bucket: status.bucket, ttlMs: status.ttl } },
    );
}
