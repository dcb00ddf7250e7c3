import { randomUUID } from "node:crypto";
import { partitionOf } from "./partition-of.js";

export interface IdInPartitionOptions {
  /** The partition the id must belong to; undefined (an unpartitioned service) takes any id. */
  readonly partition: number | undefined;
  readonly partitions: number;
}

/**
 * `idInPartition` draws a random UUID that belongs to the given partition, so an entity created by one
 * partition (an order, keyed before its id existed) is found there by its id from then on. A draw lands
 * in the partition with probability 1/partitions: about `partitions` UUIDs per id, microseconds.
 */
export function idInPartition({ partition, partitions }: IdInPartitionOptions): string {
  if (partition === undefined || partitions <= 1) return randomUUID();
  if (!Number.isInteger(partition) || partition < 0 || partition >= partitions)
    throw new RangeError(`partition must be from 0 to ${partitions - 1}`);
  for (;;) {
    const id = randomUUID();
    if (partitionOf({ key: id, partitions }) === partition) return id;
  }
}
