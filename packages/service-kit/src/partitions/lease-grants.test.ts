// The grants, enforced: a user holding only them (and its inbox) can create its bucket and acquire, renew,
// check and release a lease, and cannot touch another service's leases.
import { startTestNats, type TestNats } from "@bazaar/testing";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAssignments, readAssignments, recordAssignment } from "./assignment-bucket.js";
import { openLeaseBucket } from "./lease-bucket.js";
import { partitionLeaseGrants } from "./lease-grants.js";
import { acquirePartitionLease } from "./partition-lease.js";

let nats: TestNats;
let orders: NatsConnection;

const allow = (subjects: readonly string[]): string =>
  `[${subjects.map((s) => JSON.stringify(s)).join(", ")}]`;

beforeAll(async () => {
  nats = await startTestNats({
    permissions: false,
    config: [
      "authorization {",
      "  users: [",
      `    { user: "orders", password: "pw", permissions: { publish: { allow: ${allow(partitionLeaseGrants("orders").publish)} }, subscribe: { allow: ["_INBOX.>"] } } }`,
      '    { user: "admin", password: "pw" }',
      "  ]",
      "}",
    ].join("\n"),
  });
  orders = await connect({ servers: nats.url, user: "orders", pass: "pw", maxReconnectAttempts: 0 });
});

afterAll(async () => {
  await orders?.close();
  await nats?.dispose();
});

describe("partitionLeaseGrants", () => {
  it("lists only the service's own lease stream and keys", () => {
    expect(partitionLeaseGrants("orders").publish).toEqual([
      "$JS.API.INFO",
      "$JS.API.STREAM.INFO.KV_leases-orders",
      "$JS.API.STREAM.CREATE.KV_leases-orders",
      "$JS.API.STREAM.MSG.GET.KV_leases-orders",
      "$KV.leases-orders.>",
      "$JS.API.STREAM.INFO.KV_partitions-orders",
      "$JS.API.STREAM.CREATE.KV_partitions-orders",
      "$JS.API.STREAM.MSG.GET.KV_partitions-orders",
      "$KV.partitions-orders.>",
    ]);
    for (const subject of partitionLeaseGrants("orders").publish) expect(subject).not.toMatch(/\*|payments/);
  });

  it("are enough to read and record the partitions handovers moved", async () => {
    const kv = await openAssignments(orders, "orders");
    expect(await readAssignments(kv, 8)).toEqual(new Map());
    await recordAssignment(kv, 5, 1);
    await recordAssignment(kv, 2, 0);
    expect(await readAssignments(kv, 8)).toEqual(
      new Map([
        [5, 1],
        [2, 0],
      ]),
    );
  });

  it("are enough to create the bucket and acquire, renew, check and release a lease", async () => {
    const lease = await acquirePartitionLease({
      nc: orders,
      service: "orders",
      partition: 3,
      owner: "orders-0",
      ttlMs: 900,
    });
    const first = lease.revision;
    await new Promise((r) => setTimeout(r, 700));
    expect(lease.revision).toBeGreaterThan(first);
    await expect(lease.assertCurrent()).resolves.toBe(lease.token);
    await lease.release();
    const again = await acquirePartitionLease({
      nc: orders,
      service: "orders",
      partition: 3,
      owner: "orders-1",
      ttlMs: 900,
    });
    await again.release();
  });

  it("do not reach another service's leases", async () => {
    await expect(openLeaseBucket({ nc: orders, service: "payments", ttlMs: 900 })).rejects.toThrow(
      /permission/i,
    );
    const admin = await connect({ servers: nats.url, user: "admin", pass: "pw" });
    try {
      await openLeaseBucket({ nc: admin, service: "payments", ttlMs: 900 });
      const errors: string[] = [];
      void (async () => {
        for await (const s of orders.status()) if (s.type === "error") errors.push(String(s.error));
      })();
      orders.publish("$KV.leases-payments.partition-0", "orders-0");
      await orders.flush();
      await new Promise((r) => setTimeout(r, 200));
      expect(errors.join("\n")).toMatch(/Permissions Violation for Publish to "\$KV\.leases-payments/);
    } finally {
      await admin.close();
    }
  });
});
