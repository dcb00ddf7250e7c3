// A partitioned service as two real processes on a real nats-server: each owns its partitions' files and
// answers only their keys, a second owner is refused, a killed owner's partitions wait for it while the
// other's keep serving, and an owner paused past its lease cannot write when it wakes.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError } from "../errors/app-error.js";
import { type SpawnedService, spawnTs } from "../fixtures/spawn.js";
import { add, listHeard, read } from "../fixtures/tally-service.js";
import { createTestClient, type TestClient } from "../testing/test-client.js";
import { handoverPartition, listPartitionOwners } from "./handover.js";
import { partitionOf } from "./partition-of.js";

const PARTITIONS = 4;
let nats: TestNats;
let client: TestClient;
const root = mkdtempSync(join(tmpdir(), "bazaar-partitioned-"));
const running: SpawnedService[] = [];

function instance(ordinal: number, extra: Record<string, string> = {}): SpawnedService {
  const proc = spawnTs("src/fixtures/tally-main.ts", {
    NATS_URL: nats.url,
    DATA_DIR: join(root, `tally-${ordinal}`),
    PORT: "0",
    INSTANCE_ID: `tally-${ordinal}`,
    PARTITIONS: String(PARTITIONS),
    INSTANCES: "2",
    ORDINAL: String(ordinal),
    LEASE_TTL_MS: "15000",
    LEASE_WAIT_MS: "40000",
    LOG_LEVEL: "info",
    ...extra,
  });
  running.push(proc);
  return proc;
}

const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
const ownerOf = (key: string): string => `tally-${partitionOf({ key, partitions: PARTITIONS }) % 2}`;

beforeAll(async () => {
  nats = await startTestNats();
  client = await createTestClient(nats.url, { partitions: PARTITIONS });
});

afterAll(async () => {
  for (const p of running) p.child.kill("SIGKILL");
  await client?.close();
  await nats?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe("a partitioned service with two instances", { timeout: 120_000 }, () => {
  let first: SpawnedService;
  let second: SpawnedService;

  it("splits the partitions between them: every call reaches its key's owner, in its own file", async () => {
    first = instance(0);
    second = instance(1);
    await Promise.all([first.started, second.started]);
    for (const key of keys) {
      const served = await client.client.call(add, { key, n: 1 });
      expect(served.partition).toBe(partitionOf({ key, partitions: PARTITIONS }));
      expect(served.instance).toBe(ownerOf(key));
      expect(served.total).toBe(1);
    }
    // Each instance's volume holds its own partitions' files, and only those.
    const files = (ordinal: number) =>
      readdirSync(join(root, `tally-${ordinal}`))
        .filter((f) => f.endsWith(".db"))
        .sort();
    expect(files(0)).toEqual(["tally.p0.db", "tally.p2.db"]);
    expect(files(1)).toEqual(["tally.p1.db", "tally.p3.db"]);
    expect(existsSync(join(root, "tally-0", "tally.db"))).toBe(false);
  });

  it("applies each event once, in its key's partition, and gathers a list from every partition", async () => {
    // Every add emitted tally.counted on its key's partition subject (`evt.tally.counted.v1.<p>`), and
    // each partition's own durable read only that subject.
    const pageThrough = async (limit: number) => {
      const pages: Array<Array<{ key: string; events: number; partition: number }>> = [];
      let cursor: string | undefined;
      do {
        const page = await client.client.call(listHeard, { limit, ...(cursor ? { cursor } : {}) });
        pages.push(page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return pages;
    };
    await vi.waitFor(async () => expect((await pageThrough(40)).flat()).toHaveLength(keys.length), {
      timeout: 20_000,
      interval: 200,
    });
    const pages = await pageThrough(7);
    expect(pages.map((p) => p.length)).toEqual([7, 7, 7, 7, 7, 5]);
    const heard = pages.flat();
    expect(heard.map((h) => h.key)).toEqual([...keys].sort());
    for (const h of heard) {
      expect(h.events).toBe(1);
      expect(h.partition).toBe(partitionOf({ key: h.key, partitions: PARTITIONS }));
    }
    const durables: Array<[string, string | undefined]> = [];
    for await (const c of client.jsm.consumers.list("TALLY"))
      durables.push([c.name, c.config.filter_subject]);
    expect(durables.sort()).toEqual(
      [0, 1, 2, 3].map((p) => [`tally__tally-counted-v1-p${p}`, `evt.tally.counted.v1.${p}`]),
    );
  });

  it("labels each partition's metrics in one exposition", async () => {
    const text = await (await fetch(`${await first.started}/metrics`)).text();
    expect(text).toMatch(/bazaar_rpc_requests_total\{[^}]*partition="0"[^}]*\} \d+/);
    expect(text).toMatch(/bazaar_rpc_requests_total\{[^}]*partition="2"[^}]*\} \d+/);
    expect(text.match(/^# TYPE bazaar_rpc_requests_total /gm)).toHaveLength(1);
  });

  it("refuses a second owner of a partition, naming the owner", async () => {
    const intruder = instance(2, {
      PARTITIONS_OWNED: "0",
      LEASE_WAIT_MS: "500",
      DATA_DIR: join(root, "intruder"),
    });
    const { code } = await intruder.exited;
    expect(code).toBe(1);
    expect(intruder.output()).toContain("partition 0 of tally is owned by tally-0");
    // The owner was not disturbed.
    const key = keys.find((k) => ownerOf(k) === "tally-0") ?? "";
    expect((await client.client.call(read, { key })).instance).toBe("tally-0");
  });

  it("keeps the other's partitions serving while one instance is down, and loses nothing", async () => {
    second.child.kill("SIGKILL");
    await second.exited;
    // Restarted at once on its volume: it must wait for its previous life's lease to expire.
    const restarted = instance(1);
    const mine = keys.filter((k) => ownerOf(k) === "tally-0");
    const theirs = keys.filter((k) => ownerOf(k) === "tally-1");
    for (const key of mine) expect((await client.client.call(add, { key, n: 1 })).total).toBe(2);
    for (const key of theirs.slice(0, 3)) {
      const failed = await client.client
        .call(add, { key, n: 1 }, { timeoutMs: 500 })
        .catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(AppError);
      expect((failed as AppError).code).toMatch(/UNAVAILABLE|TIMEOUT/);
    }
    // Back, once the lease expired: it serves what it had.
    second = restarted;
    await second.started;
    expect(second.output()).toContain("partition owned by another instance: waiting for its lease");
    for (const key of theirs) expect((await client.client.call(read, { key })).total).toBe(1);
    // A retried command (same idempotency key) is answered from its record, not applied again.
    const key = theirs[0] ?? "";
    const once = await client.client.call(add, { key, n: 5 }, { idempotencyKey: "retry-1" });
    const again = await client.client.call(add, { key, n: 5 }, { idempotencyKey: "retry-1" });
    expect(again).toEqual(once);
    expect((await client.client.call(read, { key })).total).toBe(once.total);
  });

  let moved = -1;
  it("hands a partition over to the other instance with its data, and the move outlives a restart", async () => {
    const key = keys.find((k) => ownerOf(k) === "tally-0") ?? "";
    moved = partitionOf({ key, partitions: PARTITIONS });
    const before = await client.client.call(read, { key });
    const owners = await listPartitionOwners({ nc: client.nc, service: "tally" });
    const oldToken = owners
      .find((o) => o.instance === "tally-0")
      ?.partitions.find((p) => p.partition === moved)?.token;
    const result = await handoverPartition({
      nc: client.nc,
      service: "tally",
      partition: moved,
      to: "tally-1",
      copy: true,
    });
    expect(result).toMatchObject({ partition: moved, from: "tally-0", to: "tally-1" });
    expect(result.token).toBeGreaterThan(oldToken ?? Number.POSITIVE_INFINITY);
    expect(await client.client.call(read, { key })).toEqual({ ...before, instance: "tally-1" });
    // The old owner's copy is set aside, so nothing serves it again.
    const old = readdirSync(join(root, "tally-0"));
    expect(old).not.toContain(`tally.p${moved}.db`);
    expect(old.some((f) => f.startsWith(`tally.p${moved}.db.released-`))).toBe(true);
    // The old owner's metrics no longer include the partition it gave up (its gauges would read a closed file).
    const metrics = await fetch(`${await first.started}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).not.toContain(`partition="${moved}"`);
    const now = await listPartitionOwners({ nc: client.nc, service: "tally" });
    expect(now.find((o) => o.instance === "tally-1")?.partitions.map((p) => p.partition)).toContain(moved);
    expect(now.find((o) => o.instance === "tally-0")?.partitions.map((p) => p.partition)).not.toContain(
      moved,
    );
    // Restarted, the new owner takes it again: the move is recorded, not only held in memory.
    second.child.kill("SIGTERM");
    await second.exited;
    second = instance(1);
    await second.started;
    expect((await client.client.call(read, { key })).instance).toBe("tally-1");
  });

  it("fences an owner paused past its lease: woken, it closes the partitions it lost and serves none of them", async () => {
    first.child.kill("SIGSTOP");
    // A successor on the same volume takes the partitions once the paused owner's lease expired.
    const successor = instance(0, { INSTANCE_ID: "tally-0b" });
    await successor.started;
    const key =
      keys.find(
        (k) => ownerOf(k) === "tally-0" && partitionOf({ key: k, partitions: PARTITIONS }) !== moved,
      ) ?? "";
    // The frozen owner's subscriptions linger until the broker drops its connection: a call that reaches
    // it times out, and its caller retries (the saga does).
    await vi.waitFor(
      async () =>
        expect((await client.client.call(read, { key }, { timeoutMs: 300 })).instance).toBe("tally-0b"),
      { timeout: 10_000, interval: 50 },
    );
    first.child.kill("SIGCONT");
    await vi.waitFor(() => expect(first.output()).toContain("partition lease lost: closing the partition"), {
      timeout: 10_000,
    });
    // It stays up, owning none of them: the successor holds their leases, so it cannot take them back.
    expect(first.child.exitCode).toBeNull();
    await vi.waitFor(
      async () => {
        const owners = await listPartitionOwners({ nc: client.nc, service: "tally" });
        expect(owners.find((o) => o.instance === "tally-0")?.partitions).toEqual([]);
      },
      { timeout: 10_000 },
    );
    // Only the successor's writes count.
    await vi.waitFor(async () =>
      expect((await client.client.call(add, { key, n: 1 }, { timeoutMs: 300 })).instance).toBe("tally-0b"),
    );
  });
});
