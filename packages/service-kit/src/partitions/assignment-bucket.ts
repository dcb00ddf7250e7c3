import { type KV, Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { leaseKey } from "./lease-bucket.js";

/**
 * The KV bucket recording the partitions moved away from their ordinal's share (`p % INSTANCES`) by a
 * handover: `partition-<p>` → the ordinal that owns it now. Without it, the first restart after a
 * handover would give the partition back to its old owner (which no longer has its file). No TTL:
 * an assignment stays until the next handover moves the partition again.
 */
export const assignmentBucketName = (service: string): string => `partitions-${service}`;
export const assignmentStreamName = (service: string): string => `KV_${assignmentBucketName(service)}`;

/** `openAssignments` opens (creating it if missing) a service's assignment bucket. */
export async function openAssignments(nc: NatsConnection, service: string, replicas = 1): Promise<KV> {
  return new Kvm(nc).create(assignmentBucketName(service), { history: 5, replicas, allow_direct: false });
}

/**
 * `readAssignments` is every recorded move among `partitions`: partition → the ordinal that owns it now.
 * One get per partition, not a key listing: listing takes a consumer, which a service may not create here.
 */
export async function readAssignments(kv: KV, partitions: number): Promise<Map<number, number>> {
  const moved = new Map<number, number>();
  const entries = await Promise.all(Array.from({ length: partitions }, (_, p) => kv.get(leaseKey(p))));
  entries.forEach((entry, partition) => {
    const ordinal = Number(entry?.string());
    if (entry?.operation === "PUT" && Number.isInteger(ordinal)) moved.set(partition, ordinal);
  });
  return moved;
}

/** `recordAssignment` records that `ordinal` owns `partition` from now on. */
export async function recordAssignment(kv: KV, partition: number, ordinal: number): Promise<void> {
  await kv.put(leaseKey(partition), String(ordinal));
}
