import { partitionSubject, type RpcContract } from "@bazaar/contracts";
import { partitionOf } from "./partition-of.js";

/**
 * `routeSubject` is the subject a call is sent on: for a contract with a partition key, in a system with
 * more than one partition, the subject of the partition that owns the request's key
 * (`rpc.<service>.<partition>.<name>`); otherwise the contract's own subject. `request` is the validated
 * request, the same value the callee will see, so both sides agree on the key.
 */
export function routeSubject(contract: RpcContract, request: unknown, partitions: number): string {
  if (partitions <= 1 || !contract.partitionKey) return contract.subject;
  return partitionSubject(contract, partitionOf({ key: contract.partitionKey(request), partitions }));
}
