import { copyFileSync, existsSync, renameSync } from "node:fs";
import type { KV } from "@nats-io/kv";
import { ConflictError } from "../../errors/app-error.js";
import { sleep } from "../../events/backoff.js";
import type { EventConsumer } from "../../events/consumer.js";
import { openAssignments, readAssignments, recordAssignment } from "../../partitions/assignment-bucket.js";
import type { PartitionLease } from "../../partitions/partition-lease.js";
import { InFlight } from "../../rpc/in-flight.js";
import type { DrizzleSchema, Store } from "../../store/open-store.js";
import { registerServiceDeadLetters } from "../consumer-wiring.js";
import { Lifecycle } from "./lifecycle.js";
import { acquireLeases, ownedPartitions, retrying } from "./partition-leases.js";
import { type ServicePart, type ServicePartOptions, setUpServicePart } from "./service-part.js";
import { openServiceStore, serviceFile } from "./service-store.js";

export interface PartitionHostOptions
  extends Pick<ServicePartOptions, "def" | "config" | "log" | "metrics" | "telemetry" | "broker" | "health"> {
  /** The service's HTTP URL (published in each partition's `nats micro` metadata). */
  readonly url: string;
}

/** One partition this instance owns, serving. */
export interface HostedPartition {
  readonly partition: number;
  readonly token: number;
  readonly file: string;
  readonly part: ServicePart;
  readonly store: Store<DrizzleSchema> | undefined;
}

/** The partitions an instance owns, taken and given up while it runs (a handover). */
export interface PartitionHost {
  /** The partitions served now, lowest first. */
  hosted(): HostedPartition[];
  /** Every consumer of every hosted partition. */
  consumers(): EventConsumer[];
  /**
   * Takes a partition: its lease (waiting up to `LEASE_WAIT_MS`), its file (copied first from `copyFrom`,
   * a released file, when given), its part of the service; then records that this ordinal owns it.
   */
  take(partition: number, options?: { readonly copyFrom?: string }): Promise<HostedPartition>;
  /**
   * Gives a partition up: stops serving it, lets its in-flight work and its outbox finish, closes its file
   * and renames it `<file>.released-<token>` (a restart must not serve a copy that moved on), releases
   * its lease. Returns the released file.
   */
  release(partition: number): Promise<{ readonly file: string; readonly token: number }>;
  /** Releases every partition (shutdown). */
  stop(): Promise<void>;
}

/**
 * `startPartitionHost` takes the partitions this instance owns at start (its ordinal's share, as moved by
 * earlier handovers), each with its own lease, file and lifecycle, so that one can be released or taken
 * later without touching the others.
 */
export async function startPartitionHost(o: PartitionHostOptions): Promise<PartitionHost> {
  const { def, config, log } = o;
  const hosted = new Map<number, HostedPartition & { readonly life: Lifecycle }>();
  let assignments: KV | undefined;
  const moves = async (): Promise<KV> => {
    assignments ??= await retrying(Date.now() + config.LEASE_WAIT_MS, () =>
      openAssignments(o.broker.nc, def.name, config.JS_REPLICAS),
    );
    return assignments;
  };

  const start = async (
    partition: number,
    lease: PartitionLease,
  ): Promise<HostedPartition & { readonly life: Lifecycle }> => {
    const plog = log.child({ partition });
    const life = new Lifecycle(plog);
    // Registered first, so released last: nobody else may open the file until it is closed.
    life.onStop("partition lease", () => lease.release());
    life.onStop("partition metrics", () => o.metrics.dropPartition(partition));
    try {
      const store = openServiceStore(def, config, partition);
      if (store) life.onStop("store", () => store.close());
      const part = await setUpServicePart({
        def,
        config,
        log: plog,
        metrics: o.metrics.partition(partition),
        telemetry: o.telemetry,
        broker: o.broker,
        life,
        health: o.health,
        store,
        partition,
        fence: () => lease.assertHeld(),
      });
      const inFlight = new InFlight();
      life.onStop("in-flight work", async () => {
        if (!(await inFlight.idle(config.SHUTDOWN_TIMEOUT_MS)))
          plog.warn({ inFlight: inFlight.count }, "abandoning in-flight work");
      });
      await part.serve({ url: o.url, inFlight });
      return { partition, token: lease.token, file: serviceFile(def, config, partition), part, store, life };
    } catch (err) {
      await life.stop();
      throw err;
    }
  };

  let stopping = false;
  const acquire = (partitions: readonly number[]) =>
    acquireLeases({ nc: o.broker.nc, service: def.name, partitions, config, log, onLost: lost });

  // A lease lost while running (the broker unreachable past its deadline, or this process paused past it):
  // its writes already fail (the fence). The partition closes at once, alone, and is taken back as soon
  // as its lease is free again, unless another instance has it by then.
  function lost(partition: number, error: ConflictError): void {
    const entry = hosted.get(partition);
    if (!entry) return;
    hosted.delete(partition);
    log.error(
      { partition, err: error },
      "partition lease lost: closing the partition until its lease is free",
    );
    void entry.life.stop().then(() => retake(partition));
  }
  async function retake(partition: number): Promise<void> {
    while (!stopping && !hosted.has(partition)) {
      try {
        const lease = (await acquire([partition])).get(partition);
        if (!lease) continue;
        if (stopping || hosted.has(partition)) {
          await lease.release();
          return;
        }
        hosted.set(partition, await start(partition, lease));
        log.info({ partition, fencing: lease.token }, "partition taken back");
        return;
      } catch (err) {
        log.warn({ partition, err }, "partition not taken back yet; trying again");
        await sleep(config.LEASE_TTL_MS);
      }
    }
  }

  if (def.consumes.length > 0)
    registerServiceDeadLetters({
      registry: o.metrics.registry,
      js: o.broker.js,
      jsm: o.broker.jsm,
      service: def.name,
    });
  const kv = await moves();
  const moved = await retrying(Date.now() + config.LEASE_WAIT_MS, () =>
    readAssignments(kv, config.PARTITIONS),
  );
  const owned = ownedPartitions(config, moved);
  if (owned.length === 0) throw new Error(`${def.name} owns no partition (PARTITIONS, INSTANCES, ORDINAL)`);
  const leases = await acquire(owned);
  try {
    for (const [partition, lease] of leases) hosted.set(partition, await start(partition, lease));
  } catch (err) {
    await Promise.all([...hosted.values()].map((h) => h.life.stop()));
    await Promise.all([...leases.values()].map((l) => l.release().catch(() => undefined)));
    throw err;
  }

  const sorted = (): HostedPartition[] => [...hosted.values()].sort((a, b) => a.partition - b.partition);
  return {
    hosted: sorted,
    consumers: () => sorted().flatMap((h) => h.part.consumers),
    async take(partition, options = {}) {
      if (!Number.isInteger(partition) || partition < 0 || partition >= config.PARTITIONS)
        throw new RangeError(`partition must be from 0 to ${config.PARTITIONS - 1}`);
      const present = hosted.get(partition);
      if (present) return present;
      const lease = (await acquire([partition])).get(partition);
      if (!lease) throw new Error(`no lease for partition ${partition}`);
      const file = serviceFile(def, config, partition);
      try {
        if (options.copyFrom) {
          if (existsSync(file))
            throw new ConflictError(`partition ${partition} already has a file here`, {
              reason: "PARTITION_FILE_EXISTS",
            });
          copyFileSync(options.copyFrom, file);
        }
        const taken = await start(partition, lease);
        hosted.set(partition, taken);
        await recordAssignment(await moves(), partition, config.ORDINAL);
        log.info({ partition, fencing: lease.token }, "partition taken over");
        return taken;
      } catch (err) {
        await lease.release().catch(() => undefined);
        throw err;
      }
    },
    async release(partition) {
      const entry = hosted.get(partition);
      if (!entry)
        throw new ConflictError(`partition ${partition} is not served here`, {
          reason: "PARTITION_NOT_HERE",
        });
      hosted.delete(partition);
      await entry.life.stop();
      const released = `${entry.file}.released-${entry.token}`;
      if (existsSync(entry.file)) renameSync(entry.file, released);
      log.info({ partition, file: released }, "partition released");
      return { file: released, token: entry.token };
    },
    async stop() {
      stopping = true;
      await Promise.all([...hosted.values()].map((h) => h.life.stop()));
      hosted.clear();
    },
  };
}
