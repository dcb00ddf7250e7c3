// The shop with its partitioned services (orders, payments, shipping, order-views, notifications) as two instances each over
// four partitions: every order's charge and view land in the files of its order id's partition, a user's
// orders are gathered from every partition, and with one payments instance killed, the orders whose partition the other owns keep confirming while the rest end cancelled
// (stock back, nothing charged): none is lost, none charged twice.
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { notifications, orders, orderViews, payments, users } from "@bazaar/contracts";
import { partitionOf } from "@bazaar/service-kit/platform";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventually,
  newProduct,
  placeOrder,
  settled,
  startTestSystem,
  type TestSystem,
} from "./support/test-system.js";

const PARTITIONS = 4;
const run = promisify(execFile);
const CLI = join(import.meta.dirname, "..", "..", "ops", "src", "partitions", "cli.ts");
let t: TestSystem;

beforeAll(async () => {
  t = await startTestSystem("processes", {
    instances: 2,
    partitions: PARTITIONS,
    env: { LEASE_TTL_MS: "2000", LEASE_WAIT_MS: "10000" },
  });
}, 180_000);

afterAll(async () => {
  await t?.stop();
});

const partition = (orderId: string): number => partitionOf({ key: orderId, partitions: PARTITIONS });

/** The order ids of a table in each partition's file, read as the operator would, beside the running service. */
function orderIdsByPartition(service: string, table: string): Map<number, string[]> {
  const byPartition = new Map<number, string[]>();
  const pattern = new RegExp(`^${service}\\.p\\d+\\.db$`);
  for (const file of readdirSync(t.dataDir).filter((f) => pattern.test(f))) {
    const p = Number(file.split(".")[1]?.slice(1));
    const db = new Database(join(t.dataDir, file), { readonly: true });
    const rows = db.prepare(`SELECT order_id AS orderId FROM ${table}`).all() as Array<{ orderId: string }>;
    db.close();
    byPartition.set(
      p,
      rows.map((r) => r.orderId),
    );
  }
  return byPartition;
}

const chargesByPartition = () => orderIdsByPartition("payments", "payments");

describe("partitioned orders, payments, shipping, order-views and notifications, two instances each", {
  timeout: 120_000,
}, () => {
  it("runs two instances of each partitioned service, one file per partition", () => {
    expect(t.system.services).toEqual(
      expect.arrayContaining([
        "orders",
        "orders-1",
        "payments",
        "payments-1",
        "shipping",
        "shipping-1",
        "order-views",
        "order-views-1",
      ]),
    );
    const files = readdirSync(t.dataDir)
      .filter((f) => f.startsWith("payments"))
      .sort();
    expect(files.filter((f) => f.endsWith(".db"))).toEqual([
      "payments.p0.db",
      "payments.p1.db",
      "payments.p2.db",
      "payments.p3.db",
    ]);
  });

  it("confirms every order, each charged once in its order id's partition", async () => {
    const sku = await newProduct(t, 100);
    const placed = await Promise.all(Array.from({ length: 12 }, () => placeOrder(t, { sku })));
    for (const { orderId } of placed) expect((await settled(t, orderId)).status).toBe("confirmed");
    const charges = chargesByPartition();
    for (const { orderId } of placed) {
      expect(charges.get(partition(orderId))).toContain(orderId);
      expect((await t.caller.client.call(payments.getPayment, { orderId })).status).toBe("completed");
    }
    const all = [...charges.values()].flat();
    expect(new Set(all).size).toBe(all.length);
    // Each order, keyed by its user's idempotency key before it had an id, is in its id's partition.
    const placedIn = orderIdsByPartition("orders", "orders");
    for (const { orderId } of placed) expect(placedIn.get(partition(orderId))).toContain(orderId);
    // The sagas, gathered from every partition, newest first, paged across them.
    const sagas: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.caller.client.call(orders.listSagas, { limit: 5, ...(cursor ? { cursor } : {}) });
      sagas.push(...page.items.map((s) => s.sagaId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(sagas).size).toBe(sagas.length);
    expect(sagas).toEqual(expect.arrayContaining(placed.map((p) => p.sagaId)));
  });

  it("builds each order's view in its partition, and gathers a user's orders from every partition", async () => {
    const sku = await newProduct(t, 100);
    const userId = `u-views-${Date.now()}`;
    const placed: Array<{ orderId: string }> = [];
    // One at a time, so the newest-first order is known.
    for (let i = 0; i < 9; i++) {
      placed.push(await placeOrder(t, { sku, userId }));
      await new Promise((r) => setTimeout(r, 5));
    }
    for (const { orderId } of placed) expect((await settled(t, orderId)).status).toBe("confirmed");
    for (const { orderId } of placed)
      await eventually(async () => {
        const view = await t.caller.client.call(orderViews.getOrderView, { orderId });
        expect([view.status, view.paymentStatus, view.trackingNumber !== null]).toEqual([
          "confirmed",
          "completed",
          true,
        ]);
      });
    const views = orderIdsByPartition("order-views", "order_views");
    expect([...views.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const { orderId } of placed) expect(views.get(partition(orderId))).toContain(orderId);
    const all = [...views.values()].flat();
    expect(new Set(all).size).toBe(all.length);

    // The list, gathered from all four partitions, pages newest first across them.
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.caller.client.call(orderViews.listMyOrders, {
        userId,
        limit: 4,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.items.length).toBeLessThanOrEqual(4);
      seen.push(...page.items.map((v) => v.orderId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(placed.map((p) => p.orderId).reverse());

    // A rebuild runs in every partition, each from its own events, and leaves the same views.
    await t.caller.client.call(orderViews.rebuild, {});
    await eventually(async () =>
      expect((await t.caller.client.call(orderViews.rebuildStatus, {})).state).toBe("completed"),
    );
    const status = await t.caller.client.call(orderViews.rebuildStatus, {});
    expect(status.processed).toBeGreaterThanOrEqual(placed.length * 4);
    const again = await t.caller.client.call(orderViews.listMyOrders, { userId, limit: 20 });
    expect(again.items.map((v) => v.orderId)).toEqual(seen);
  });

  it("teaches every notifications partition a new user's address, welcomes once, and gathers their messages", async () => {
    const email = `p-${Date.now()}@example.com`;
    const user = await t.caller.client.call(users.register, {
      email,
      password: "correct horse 1",
      name: "Pat",
    });
    const sku = await newProduct(t, 100);
    const placed = await Promise.all(
      Array.from({ length: 6 }, () => placeOrder(t, { sku, userId: user.id })),
    );
    for (const { orderId } of placed) expect((await settled(t, orderId)).status).toBe("confirmed");
    // A welcome, and a placed and a confirmed message per order, each order's in its partition's file.
    const gathered = async () => {
      const items: Array<{ id: string; eventType: string; to: string }> = [];
      let cursor: string | undefined;
      do {
        const page = await t.caller.client.call(notifications.listNotifications, {
          userId: user.id,
          limit: 5,
          ...(cursor ? { cursor } : {}),
        });
        items.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return items;
    };
    await eventually(async () => expect(await gathered()).toHaveLength(1 + 2 * placed.length));
    const items = await gathered();
    expect(new Set(items.map((n) => n.id)).size).toBe(items.length);
    expect(items.filter((n) => n.eventType === "user.registered")).toHaveLength(1);
    expect(items.every((n) => n.to === email)).toBe(true);
    for (const file of readdirSync(t.dataDir).filter((f) => /^notifications\.p\d+\.db$/.test(f))) {
      const db = new Database(join(t.dataDir, file), { readonly: true });
      const known = db.prepare("SELECT email FROM contacts WHERE user_id = ?").get(user.id);
      db.close();
      expect(known, file).toEqual({ email });
    }
  });

  it("keeps the other instance's partitions serving while one is down, and loses no order", async () => {
    await t.system.killService("payments-1");
    const sku = await newProduct(t, 100);
    const placed = await Promise.all(Array.from({ length: 16 }, () => placeOrder(t, { sku })));
    const outcomes = await Promise.all(
      placed.map(async ({ orderId }) => ({ orderId, order: await settled(t, orderId) })),
    );
    // Instance 0 owns the even partitions: those orders confirm. The odd ones wait for an operator: their
    // charge never answered, and its compensation (a refund, in case it went through) cannot run either.
    const down = outcomes.filter(({ orderId }) => partition(orderId) % 2 === 1);
    for (const { orderId, order } of outcomes)
      expect(order.status).toBe(partition(orderId) % 2 === 0 ? "confirmed" : "requires_attention");
    expect(down.length).toBeGreaterThan(0);
    expect(down.length).toBeLessThan(outcomes.length);
    const charged = new Set([...chargesByPartition().values()].flat());
    for (const { orderId } of outcomes) expect(charged.has(orderId)).toBe(partition(orderId) % 2 === 0);

    // Back: it takes its partitions again once its previous lease expired. The parked orders, retried,
    // finish their compensation (cancelled, never charged), and new orders all confirm.
    await t.system.startService("payments-1");
    for (const { orderId } of down) {
      const { sagaId } = placed.find((p) => p.orderId === orderId) ?? { sagaId: "" };
      await t.caller.client.call(orders.retrySaga, { sagaId }, { idempotencyKey: `retry-${sagaId}` });
    }
    for (const { orderId } of down)
      await eventually(async () =>
        expect((await t.caller.client.call(orders.getOrder, { orderId })).status).toBe("cancelled"),
      );
    expect(new Set([...chargesByPartition().values()].flat())).toEqual(charged);
    const after = await Promise.all(Array.from({ length: 8 }, () => placeOrder(t, { sku })));
    for (const { orderId } of after) expect((await settled(t, orderId)).status).toBe("confirmed");
  });

  it("hands a partition over with `pnpm partitions`, and its orders keep confirming on the new owner", async () => {
    const operator = t.nats.credentials?.operator;
    const cli = (...args: string[]) =>
      run(process.execPath, ["--conditions=@bazaar/source", "--import", "tsx", CLI, ...args], {
        cwd: join(CLI, "..", "..", ".."),
        env: {
          ...process.env,
          NATS_URL: t.nats.url,
          DATA_DIR: t.dataDir,
          ...(operator ? { NATS_USER: operator.user, NATS_PASSWORD: operator.password } : {}),
        },
      });
    const moved = await cli("handover", "payments", "0", "--to", "payments-1", "--copy");
    expect(moved.stdout).toMatch(/partition 0 of payments: payments-0 → payments-1 \(token \d+\)/);
    const listed = (await cli("list", "payments")).stdout;
    expect(listed).toMatch(/payments-1\s+ordinal 1\s+partitions 0 \(token \d+\), 1/);
    expect(listed).not.toMatch(/payments-0\s+ordinal 0\s+partitions 0 /);
    const sku = await newProduct(t, 100);
    const placed = await Promise.all(Array.from({ length: 16 }, () => placeOrder(t, { sku })));
    for (const { orderId } of placed) expect((await settled(t, orderId)).status).toBe("confirmed");
    const inZero = placed.filter(({ orderId }) => partition(orderId) === 0).map((p) => p.orderId);
    expect(chargesByPartition().get(0)).toEqual(expect.arrayContaining(inZero));
  });
});
