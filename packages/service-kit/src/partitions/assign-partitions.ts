import { assertPartitionCount } from "./partition-of.js";

export interface AssignPartitionsOptions {
  /** How many partitions there are. */
  readonly partitions: number;
  /** How many instances share them (the StatefulSet's replicas). */
  readonly instances: number;
  /** This instance's ordinal, 0..instances-1 (the `-<n>` suffix of a StatefulSet pod's name). */
  readonly ordinal: number;
}

/**
 * `assignPartitions` is the partitions instance `ordinal` of `instances` owns: round-robin,
 * `p % instances === ordinal`. Round-robin because it needs no table: every instance (and every tool)
 * derives every owner from the counts alone, and the shares differ by at most one partition. An ordinal
 * beyond the partition count owns nothing. Changing `instances` moves partitions; each move is a handover
 * (the old owner drains and releases its lease, the new one acquires it). Sorted ascending.
 */
export function assignPartitions({ partitions, instances, ordinal }: AssignPartitionsOptions): number[] {
  assertPartitionCount(partitions);
  if (!Number.isInteger(instances) || instances < 1)
    throw new RangeError("instances must be a positive integer");
  if (!Number.isInteger(ordinal) || ordinal < 0 || ordinal >= instances)
    throw new RangeError("ordinal must be an integer from 0 to instances - 1");
  const owned: number[] = [];
  for (let p = ordinal; p < partitions; p += instances) owned.push(p);
  return owned;
}
