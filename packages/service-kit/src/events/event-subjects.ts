import { type EventContract, eventPartitionSubject } from "@bazaar/contracts";
import { partitionOf } from "../partitions/partition-of.js";

/**
 * Where events travel in a system of `partitions` partitions. An event whose contract names a partition
 * key is published on `evt.<type>.v<n>.<partition>` once there is more than one partition; with one (the
 * default), and for an event without a key, on its contract's subject. `PARTITIONS` is the same for the
 * whole system, so publisher and consumers agree without asking each other.
 */
export function isPartitionedEvent(event: EventContract, partitions: number): boolean {
  return partitions > 1 && event.partitionKey !== undefined;
}

/** `publishSubject` is the subject one event is published on (its key's partition, when it has one). */
export function publishSubject(event: EventContract, data: unknown, partitions: number): string {
  if (!isPartitionedEvent(event, partitions) || !event.partitionKey) return event.subject;
  return eventPartitionSubject(event, partitionOf({ key: event.partitionKey(data as never), partitions }));
}

/**
 * `consumeFilter` is what a consumer of the event reads: one partition's subject for a partition of a
 * partitioned consumer, every partition's (`.*`) for an unpartitioned one, or the contract's subject
 * when the event is not partitioned.
 */
export function consumeFilter(event: EventContract, partitions: number, partition?: number): string {
  if (!isPartitionedEvent(event, partitions)) return event.subject;
  return eventPartitionSubject(event, partition ?? "*");
}
