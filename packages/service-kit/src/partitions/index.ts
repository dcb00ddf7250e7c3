export { type AssignPartitionsOptions, assignPartitions } from "./assign-partitions.js";
export { type AssertFencingTokenOptions, assertFencingToken } from "./fencing-token.js";
export {
  type HandoverResult,
  type HostedReport,
  handoverPartition,
  listPartitionOwners,
  type PartitionControlOptions,
  releasePartition,
  takePartition,
} from "./handover.js";
export { type IdInPartitionOptions, idInPartition } from "./id-in-partition.js";
export {
  leaseBucketName,
  leaseKey,
  leaseStreamName,
  type OpenLeaseBucketOptions,
  openLeaseBucket,
} from "./lease-bucket.js";
export { type LeaseGrants, partitionLeaseGrants } from "./lease-grants.js";
export {
  type AcquirePartitionLeaseOptions,
  acquirePartitionLease,
  type LeaseState,
  type PartitionLease,
} from "./partition-lease.js";
export { type PartitionOfOptions, partitionOf } from "./partition-of.js";
