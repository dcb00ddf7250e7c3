// Partition leases against a real nats-server with JetStream: one owner per partition, renewals, expiry of
// a paused owner, fencing of the stale one, release, and a broker restart.
import { startTestNats, type TestNats } from "@bazaar/testing";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError, ConflictError } from "../errors/app-error.js";
import { assertFencingToken } from "./fencing-token.js";
import { leaseKey, openLeaseBucket } from "./lease-bucket.js";
import { acquirePartitionLease, type PartitionLease } from "./partition-lease.js";

const TTL = 2000;

let nats: TestNats;
let nc: NatsConnection;
let services = 0;
const held: PartitionLease[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
});

afterAll(async () => {
  for (const lease of held) await lease.release().catch(() => undefined);
  await nc?.close();
  await nats?.dispose();
});

/** A fresh service name per test, so each test has its own bucket. */
const freshService = (): string => `svc${++services}`;

async function acquire(
  service: string,
  partition: number,
  owner: string,
  extra: { ttlMs?: number; onLost?: (err: ConflictError) => void } = {},
): Promise<PartitionLease> {
  const lease = await acquirePartitionLease({
    nc,
    service,
    partition,
    owner,
    ttlMs: extra.ttlMs ?? TTL,
    ...extra,
  });
  held.push(lease);
  return lease;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Blocks this thread, timers and sockets included: what SIGSTOP or a long GC pause does to a process. */
function freeze(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** What a call threw, for asserting on the kit's error shape. */
async function refusal(p: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a refusal");
}

/**
 * Acquires as soon as the previous owner's key is gone, within `withinMs`.
 */
async function acquireWhenFree(
  service: string,
  partition: number,
  owner: string,
  withinMs: number,
  ttlMs = TTL,
) {
  const until = Date.now() + withinMs;
  for (;;) {
    try {
      return await acquire(service, partition, owner, { ttlMs });
    } catch (err) {
      // Right after a broker restart the first JetStream requests can time out while the client
      // reconnects: retried like a refusal, within the same window.
      const owned = err instanceof ConflictError && err.reason === "PARTITION_OWNED";
      if ((err instanceof AppError && !owned) || Date.now() > until) throw err;
      await sleep(50);
    }
  }
}

describe("acquirePartitionLease", () => {
  it("gives a partition to one owner and refuses a second, naming the partition and the owner", async () => {
    const service = freshService();
    const first = await acquire(service, 7, "orders-0");
    expect(first.state).toBe("held");
    expect(first.assertHeld()).toBe(first.token);

    const err = await refusal(acquire(service, 7, "orders-1"));
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.reason).toBe("PARTITION_OWNED");
    expect(err.message).toBe(`partition 7 of ${service} is owned by orders-0`);
    expect(err.details).toEqual({ service, partition: 7, owner: "orders-0" });

    // Another partition of the same service is independent.
    const other = await acquire(service, 8, "orders-1");
    expect(other.state).toBe("held");
  });

  it("keeps the lease across many TTLs by renewing it; the token stays, the revision moves", async () => {
    const service = freshService();
    const lease = await acquire(service, 0, "a");
    const firstRevision = lease.revision;
    await sleep(TTL * 3);
    expect(lease.state).toBe("held");
    expect(lease.revision).toBeGreaterThan(firstRevision);
    expect(lease.token).toBe(firstRevision);
    await expect(lease.assertCurrent()).resolves.toBe(lease.token);
    expect((await refusal(acquire(service, 0, "b"))).reason).toBe("PARTITION_OWNED");
  });

  it("a paused owner loses the lease after the TTL, and a second owner then gets it with a higher token", async () => {
    const service = freshService();
    const lost: ConflictError[] = [];
    const stale = await acquire(service, 3, "a", { onLost: (err) => lost.push(err) });
    freeze(TTL * 2);
    // Woken, before any timer ran: the local deadline alone refuses the write.
    expect(() => stale.assertHeld()).toThrow(/partition 3 of svc\d+: lease lost/);
    expect(stale.state).toBe("lost");
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBe("PARTITION_LEASE_LOST");

    const next = await acquireWhenFree(service, 3, "b", TTL);
    expect(next.token).toBeGreaterThan(stale.token);
    expect((await refusal(stale.assertCurrent())).reason).toBe("PARTITION_LEASE_LOST");
    await sleep(TTL);
    // The stale owner's renewals stopped for good: the successor is undisturbed.
    expect(next.state).toBe("held");
    expect(stale.state).toBe("lost");
    expect(lost).toHaveLength(1);
  });

  it("fences the stale owner's writes: SQLite commits and the writes that leave the process", async () => {
    const service = freshService();
    const kv = await openLeaseBucket({ nc, service, ttlMs: TTL });
    const stale = await acquire(service, 1, "a");
    freeze(TTL * 2);
    const next = await acquireWhenFree(service, 1, "b", TTL);

    // SQLite-local writes: assertHeld inside the transaction, last, so a refusal rolls the write back.
    const db = new Database(":memory:");
    db.exec("create table writes (owner text not null, token integer not null)");
    const insert = db.prepare("insert into writes (owner, token) values (?, ?)");
    const write = (lease: PartitionLease) =>
      db.transaction(() => {
        insert.run(lease.owner, lease.token);
        lease.assertHeld();
      })();
    expect(() => write(stale)).toThrow(ConflictError);
    write(next);
    expect(db.prepare("select owner, token from writes").all()).toEqual([{ owner: "b", token: next.token }]);
    db.close();

    // Writes that leave the process carry the token; the receiving side checks it against the KV.
    const err = await refusal(assertFencingToken({ kv, partition: 1, token: stale.token }));
    expect(err.reason).toBe("STALE_FENCING_TOKEN");
    expect(err.details).toEqual({ partition: 1, currentOwner: "b" });
    await expect(assertFencingToken({ kv, partition: 1, token: next.token })).resolves.toBeUndefined();
    // A renewal does not change the token, so a write stamped before it is still accepted after it.
    await sleep(TTL);
    await expect(assertFencingToken({ kv, partition: 1, token: next.token })).resolves.toBeUndefined();
  });

  it("loses the lease at the next renewal when the key was changed under it, long before its deadline", async () => {
    const service = freshService();
    const kv = await openLeaseBucket({ nc, service, ttlMs: 60_000 });
    const lost: ConflictError[] = [];
    const lease = await acquirePartitionLease({
      kv,
      service,
      partition: 4,
      owner: "a",
      ttlMs: 60_000,
      renewEveryMs: 200,
      onLost: (err) => lost.push(err),
    });
    held.push(lease);
    // Someone else wrote the key (an operator, or a misconfigured instance bypassing acquire).
    await kv.put(leaseKey(4), JSON.stringify({ owner: "intruder" }));
    await sleep(600);
    expect(lease.state).toBe("lost");
    expect(lost.map((err) => err.message)).toEqual([
      `partition 4 of ${service}: lease lost (taken over or expired)`,
    ]);
    // Its renewals stopped and did not overwrite the other write.
    expect(new TextDecoder().decode((await kv.get(leaseKey(4)))?.value)).toContain("intruder");
  });

  it("release lets another owner acquire at once, without waiting for the TTL", async () => {
    const service = freshService();
    const lost: ConflictError[] = [];
    const first = await acquire(service, 2, "a", { ttlMs: 60_000, onLost: (err) => lost.push(err) });
    await first.release();
    expect(first.state).toBe("released");
    expect(() => first.assertHeld()).toThrow(ConflictError);
    expect(lost).toEqual([]);
    const second = await acquire(service, 2, "b", { ttlMs: 60_000 });
    expect(second.token).toBeGreaterThan(first.token);
    // Releasing a lease that is no longer ours deletes nothing.
    await first.release();
    await expect(second.assertCurrent()).resolves.toBe(second.token);
  });

  it("refuses a bucket whose TTL is not the configured lease lifetime", async () => {
    const service = freshService();
    const kv = await openLeaseBucket({ nc, service, ttlMs: TTL });
    const err = await refusal(
      acquirePartitionLease({ kv, service, partition: 0, owner: "a", ttlMs: TTL * 2 }),
    );
    expect(err.reason).toBe("LEASE_TTL_MISMATCH");
    expect((await refusal(openLeaseBucket({ nc, service, ttlMs: TTL * 2 }))).reason).toBe(
      "LEASE_TTL_MISMATCH",
    );
    await expect(
      acquirePartitionLease({ kv, service, partition: -1, owner: "a", ttlMs: TTL }),
    ).rejects.toThrow(RangeError);
  });
});

describe("a broker restart", () => {
  const ttlMs = 3000;

  it("keeps the one owner through a short outage: the lease renews after the reconnect", async () => {
    const service = freshService();
    const lease = await acquire(service, 5, "a", { ttlMs });
    await nats.stop();
    await sleep(300);
    await nats.restart();
    await sleep(ttlMs * 2);
    expect(lease.state).toBe("held");
    await expect(lease.assertCurrent()).resolves.toBe(lease.token);
    expect((await refusal(acquire(service, 5, "b", { ttlMs }))).reason).toBe("PARTITION_OWNED");
  });

  it("through an outage longer than the TTL: the owner gives up before a successor can acquire", async () => {
    const service = freshService();
    let lostAt = 0;
    const lease = await acquire(service, 6, "a", { ttlMs, onLost: () => (lostAt = performance.now()) });
    await nats.stop();
    await sleep(ttlMs + 200);
    expect(lease.state).toBe("lost");
    await nats.restart();
    const next = await acquireWhenFree(service, 6, "b", ttlMs * 4, ttlMs);
    const acquiredAt = performance.now();
    expect(lostAt).toBeGreaterThan(0);
    expect(lostAt).toBeLessThan(acquiredAt);
    expect(next.token).toBeGreaterThan(lease.token);
    await expect(next.assertCurrent()).resolves.toBe(next.token);
  });
});
