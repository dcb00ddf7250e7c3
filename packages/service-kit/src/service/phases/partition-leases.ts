import type { NatsConnection } from "@nats-io/transport-node";
import type { ConflictError } from "../../errors/app-error.js";
import { AppError } from "../../errors/app-error.js";
import { sleep } from "../../events/backoff.js";
import type { Logger } from "../../logging/logger.js";
import { assignPartitions } from "../../partitions/assign-partitions.js";
import { openLeaseBucket } from "../../partitions/lease-bucket.js";
import { acquirePartitionLease, type PartitionLease } from "../../partitions/partition-lease.js";
import type { ServiceConfig } from "./service-config.js";

/**
 * `ownedPartitions` is what this instance owns: `PARTITIONS_OWNED` when listed, else its ordinal's share
 * (`p % INSTANCES === ORDINAL`) as handovers moved it (`moved`: partition → the ordinal owning it now).
 */
export function ownedPartitions(
  config: ServiceConfig,
  moved: ReadonlyMap<number, number> = new Map(),
): number[] {
  const { PARTITIONS: partitions, INSTANCES: instances, ORDINAL: ordinal } = config;
  if (config.PARTITIONS_OWNED.length > 0) {
    const listed = [...new Set(config.PARTITIONS_OWNED.map(Number))].sort((a, b) => a - b);
    const outside = listed.filter((p) => p >= partitions);
    if (outside.length > 0)
      throw new RangeError(`PARTITIONS_OWNED names ${outside.join(", ")}, beyond PARTITIONS=${partitions}`);
    return listed;
  }
  if (ordinal >= instances) throw new RangeError(`ORDINAL=${ordinal} must be below INSTANCES=${instances}`);
  const owned = new Set(assignPartitions({ partitions, instances, ordinal }));
  for (const [partition, owner] of moved) {
    if (partition >= partitions) continue;
    if (owner === ordinal) owned.add(partition);
    else owned.delete(partition);
  }
  return [...owned].sort((a, b) => a - b);
}

const isOwned = (err: unknown): boolean => err instanceof AppError && err.reason === "PARTITION_OWNED";

export interface AcquireLeasesOptions {
  readonly nc: NatsConnection;
  readonly service: string;
  readonly partitions: readonly number[];
  readonly config: ServiceConfig;
  readonly log: Logger;
  /** A lease was lost while running: the instance must stop serving that partition at once. */
  readonly onLost: (partition: number, error: ConflictError) => void;
}

/**
 * `acquireLeases` takes the lease of every partition this instance owns, before any of their files is
 * opened. A partition another owner holds is waited for up to `LEASE_WAIT_MS` (a restarted owner waits
 * for its previous life's lease to expire), then the start is refused with that owner's name; any other
 * failure (the first JetStream request after a broker restart may time out) is retried in that time too.
 */
export async function acquireLeases(o: AcquireLeasesOptions): Promise<Map<number, PartitionLease>> {
  const { config, log } = o;
  const ttlMs = config.LEASE_TTL_MS;
  const give = Date.now() + config.LEASE_WAIT_MS;
  const leases = new Map<number, PartitionLease>();
  try {
    const kv = await retrying(give, () =>
      openLeaseBucket({ nc: o.nc, service: o.service, ttlMs, replicas: config.JS_REPLICAS }),
    );
    for (const partition of o.partitions) {
      let waited = false;
      const lease = await retrying(give, async () => {
        try {
          return await acquirePartitionLease({
            kv,
            service: o.service,
            partition,
            owner: config.INSTANCE_ID,
            ttlMs,
            onLost: (error) => o.onLost(partition, error),
          });
        } catch (err) {
          if (isOwned(err) && !waited) {
            waited = true;
            log.warn({ partition, err }, "partition owned by another instance: waiting for its lease");
          }
          throw err;
        }
      });
      leases.set(partition, lease);
    }
    log.info(
      { partitions: o.partitions, fencing: [...leases.values()].map((l) => l.token) },
      "partition leases held",
    );
    return leases;
  } catch (err) {
    await Promise.all([...leases.values()].map((l) => l.release().catch(() => undefined)));
    throw err;
  }
}

/**
 * `retrying` runs `attempt` until it succeeds or `until` (epoch ms) is near, backing off from 100 ms to
 * 1 s: at start, the first JetStream requests after a broker (or cluster) restart may time out.
 */
export async function retrying<T>(until: number, attempt: () => Promise<T>): Promise<T> {
  let delay = 100;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() + delay > until) throw err;
      await sleep(delay);
      delay = Math.min(delay * 2, 1000);
    }
  }
}
