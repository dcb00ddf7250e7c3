/**
 * `replicaShare` is one instance's part of a fleet-wide limit: the limit divided by the instances, rounded
 * up (never below 1, unless the limit itself is 0). Each gateway counts in its own memory; shared counts
 * would cost a broker round trip on every request.
 */
export function replicaShare(limit: number, replicas: number): number {
  if (limit === 0) return 0;
  return Math.max(1, Math.ceil(limit / Math.max(1, replicas)));
}
