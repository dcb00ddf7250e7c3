import { js } from "../permissions/jetstream-subjects.js";
import { assignmentBucketName, assignmentStreamName } from "./assignment-bucket.js";
import { leaseBucketName, leaseStreamName } from "./lease-bucket.js";

/** What holding partition leases needs on the broker, besides the replies to its own inbox. */
export interface LeaseGrants {
  readonly publish: readonly string[];
}

/**
 * `partitionLeaseGrants` is what a service needs to hold its partition leases, and nothing of any other
 * service's: create its lease bucket on first start and read its configuration (the TTL check), read a
 * key through the stream leader (the bucket has direct gets off), and write its own keys (create, renew,
 * release are publishes to `$KV.<bucket>.<key>`), and read and write its assignment bucket (the partitions
 * handovers moved, `assignment-bucket.ts`). It may not update,
 * purge or delete the buckets. Meant to
 * be added to the service's publish allow-list by `deriveBrokerPermissions` once services hold leases.
 */
export function partitionLeaseGrants(service: string): LeaseGrants {
  const bucket = leaseBucketName(service);
  const stream = leaseStreamName(service);
  const moves = assignmentStreamName(service);
  return {
    publish: [
      js.info,
      js.streamInfo(stream),
      js.streamCreate(stream),
      js.msgGet(stream),
      `$KV.${bucket}.>`,
      // Its partitions' assignments after handovers: read at start, written when it takes one over.
      js.streamInfo(moves),
      js.streamCreate(moves),
      js.msgGet(moves),
      `$KV.${assignmentBucketName(service)}.>`,
    ],
  };
}
