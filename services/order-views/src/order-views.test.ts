import { randomUUID } from "node:crypto";
import {
  type EventContract,
  ORDERS_STREAM,
  orders,
  orderViews,
  PAYMENTS_STREAM,
  payments,
  SHIPPING_STREAM,
  shipping,
} from "@bazaar/contracts";
import { ensureStream } from "@bazaar/service-kit/platform";
import {
  createTestClient,
  startTestService,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { orderViewRows } from "./db/schema.js";
import { createOrderViewsService } from "./service.js";

let nats: TestNats;
let svc: TestService;
/** Lets a test run code after a rebuild's replay caught up and before it switches over. */
let beforeSwitch: () => Promise<void> = async () => {};
let caller: TestClient;

beforeAll(async () => {
  nats = await startTestNats();
  svc = await startTestService(createOrderViewsService({ beforeSwitch: () => beforeSwitch() }), {
    natsUrl: nats.url,
  });
  caller = await createTestClient(nats.url);
  // The sources' streams and events are set up as the operator: order-views itself may not.
  for (const stream of [ORDERS_STREAM, PAYMENTS_STREAM, SHIPPING_STREAM])
    await ensureStream(caller.jsm, stream);
});

afterAll(async () => {
  await caller?.close();
  await svc?.stop();
  await nats?.dispose();
});

let clock = Date.parse("2026-11-25T10:00:00.000Z");
const tick = (): string => {
  clock += 1000;
  return new Date(clock).toISOString();
};

async function publish(
  event: EventContract,
  data: Record<string, unknown>,
  options: { at?: string; id?: string } = {},
): Promise<string> {
  const id = options.id ?? randomUUID();
  const envelope = {
    id,
    type: event.type,
    version: event.version,
    occurredAt: options.at ?? tick(),
    source: event.publisher,
    data,
  };
  await caller.js.publish(event.subject, JSON.stringify(envelope), {
    msgID: `${id}:${randomUUID()}`,
  });
  return id;
}

const placed = (orderId: string, userId: string, at?: string) =>
  publish(
    orders.orderPlaced,
    {
      orderId,
      userId,
      items: [
        { sku: "MUG-001", quantity: 2, unitPriceCents: 1299 },
        { sku: "PEN-001", quantity: 1, unitPriceCents: 699 },
      ],
      totalCents: 3297,
      currency: "EUR",
      placedAt: at ?? new Date(clock).toISOString(),
    },
    at ? { at } : {},
  );

const view = (orderId: string) => caller.client.call(orderViews.getOrderView, { orderId });
const lagNow = async (): Promise<number | undefined> =>
  ((await svc.runtime.health()).checks.lag?.[0]?.observedValue as { events: number } | undefined)?.events;
const settle = () =>
  vi.waitFor(async () => expect(await lagNow()).toBe(0), { timeout: 10_000, interval: 50 });

describe("read model", () => {
  it("builds one row per order from order, payment and shipment events", async () => {
    const orderId = randomUUID();
    await placed(orderId, "u-1");
    await publish(payments.paymentCompleted, {
      orderId,
      paymentId: "p-1",
      userId: "u-1",
      amountCents: 3297,
      currency: "EUR",
    });
    await publish(shipping.shipmentCreated, {
      orderId,
      shipmentId: "s-1",
      trackingNumber: "BZ123456789GB",
      carrier: "Bazaar Post",
      items: [],
    });
    await publish(orders.orderConfirmed, { orderId, userId: "u-1", totalCents: 3297, currency: "EUR" });
    // Each source stream has its own consumer: the row is whole once all of them have applied theirs.
    await vi.waitFor(
      async () =>
        expect(await view(orderId)).toMatchObject({
          orderId,
          userId: "u-1",
          totalCents: 3297,
          currency: "EUR",
          itemCount: 3,
          status: "confirmed",
          paymentStatus: "completed",
          trackingNumber: "BZ123456789GB",
          cancelReason: null,
        }),
      { timeout: 10_000 },
    );
  });

  it("handles events out of order: payment before placement, confirmation before placement", async () => {
    const orderId = randomUUID();
    const t1 = tick();
    const t2 = tick();
    const t3 = tick();
    await publish(
      orders.orderConfirmed,
      { orderId, userId: "u-2", totalCents: 3297, currency: "EUR" },
      { at: t3 },
    );
    await publish(
      payments.paymentCompleted,
      { orderId, paymentId: "p-2", userId: "u-2", amountCents: 3297, currency: "EUR" },
      { at: t2 },
    );
    await settle();
    expect(await view(orderId)).toMatchObject({
      userId: "u-2",
      status: "confirmed",
      paymentStatus: "completed",
      createdAt: null,
    });
    await placed(orderId, "u-2", t1);
    await settle();
    expect(await view(orderId)).toMatchObject({
      status: "confirmed",
      createdAt: t1,
      itemCount: 3,
      lastUpdated: t3,
    });
  });

  it("applies a duplicate or a late older event without changing the row", async () => {
    const orderId = randomUUID();
    await placed(orderId, "u-3");
    const cancelAt = tick();
    const id = await publish(
      orders.orderCancelled,
      { orderId, userId: "u-3", reason: "payment declined" },
      { at: cancelAt },
    );
    await settle();
    const before = await view(orderId);
    await publish(
      orders.orderCancelled,
      { orderId, userId: "u-3", reason: "payment declined" },
      { at: cancelAt, id },
    );
    await publish(payments.paymentFailed, {
      orderId,
      userId: "u-3",
      amountCents: 3297,
      currency: "EUR",
      reason: "CARD_DECLINED",
    });
    await settle();
    expect(await view(orderId)).toEqual({
      ...before,
      paymentStatus: "failed",
      lastUpdated: expect.any(String),
    });
    expect((await view(orderId)).status).toBe("cancelled");
    expect((await view(orderId)).cancelReason).toBe("payment declined");
  });

  it("lists a user's orders newest first, paged, and nobody else's", async () => {
    for (let i = 0; i < 5; i++) await placed(randomUUID(), "u-list");
    await placed(randomUUID(), "u-other");
    await settle();
    const first = await caller.client.call(orderViews.listMyOrders, { userId: "u-list", limit: 3 });
    expect(first.items).toHaveLength(3);
    const second = await caller.client.call(orderViews.listMyOrders, {
      userId: "u-list",
      limit: 3,
      cursor: first.nextCursor ?? undefined,
    });
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeNull();
    const all = [...first.items, ...second.items];
    expect(all.every((o) => o.userId === "u-list")).toBe(true);
    const times = all.map((o) => o.createdAt ?? "");
    expect(times).toEqual([...times].sort().reverse());
    await expect(view("missing")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reports its lag in readiness and metrics", async () => {
    const report = await svc.runtime.health();
    expect(report.checks.lag?.[0]).toMatchObject({ status: "pass", observedValue: { events: 0 } });
    const metrics = await (await fetch(`${svc.url}/metrics`)).text();
    expect(metrics).toMatch(/bazaar_read_model_lag_events\{[^}]*\} 0/);
  });
});

describe("rebuild", () => {
  it("replays the streams into a fresh model equal to the incremental one, and switches over", async () => {
    const snapshot = () => svc.runtime.db.select().from(orderViewRows).orderBy(orderViewRows.orderId).all();
    await settle();
    const incremental = snapshot();
    expect(incremental.length).toBeGreaterThan(5);

    // Damage the live model: a rebuild must restore it from the streams alone.
    svc.runtime.transaction((tx) =>
      tx.update(orderViewRows).set({ status: "pending", trackingNumber: null }).run(),
    );
    const started = await caller.client.call(orderViews.rebuild, {});
    expect(started.state).toBe("running");
    await expect(caller.client.call(orderViews.rebuild, {})).rejects.toMatchObject({ code: "CONFLICT" });
    await vi.waitFor(
      async () => expect((await caller.client.call(orderViews.rebuildStatus, {})).state).toBe("completed"),
      { timeout: 20_000, interval: 50 },
    );
    const status = await caller.client.call(orderViews.rebuildStatus, {});
    expect(status.processed).toBe(status.total);
    expect(status.processed).toBeGreaterThan(10);
    expect(snapshot()).toEqual(incremental);
  });

  it("keeps events that arrive during a rebuild", async () => {
    const orderId = randomUUID();
    // This event lands after the replay's snapshot and before the switch: only the live consumer sees it.
    beforeSwitch = async () => {
      await placed(orderId, "u-during");
      await settle();
    };
    try {
      await caller.client.call(orderViews.rebuild, {});
      await vi.waitFor(
        async () => expect((await caller.client.call(orderViews.rebuildStatus, {})).state).toBe("completed"),
        { timeout: 20_000, interval: 50 },
      );
    } finally {
      beforeSwitch = async () => {};
    }
    expect(await view(orderId)).toMatchObject({ userId: "u-during", status: "pending", itemCount: 3 });
  });

  it("keeps orders whose events have aged out of the streams: the rebuild merges instead of replacing", async () => {
    const old = randomUUID();
    await placed(old, "u-aged");
    await settle();
    // The streams lose their oldest messages (as max age or max bytes would do): here, everything so far.
    for (const stream of ["ORDERS", "PAYMENTS", "SHIPPING"]) {
      const info = await caller.jsm.streams.info(stream);
      await caller.jsm.streams.purge(stream, { seq: info.state.last_seq + 1 });
    }
    const fresh = randomUUID();
    await placed(fresh, "u-aged");
    await settle();
    await caller.client.call(orderViews.rebuild, {});
    await vi.waitFor(
      async () => expect((await caller.client.call(orderViews.rebuildStatus, {})).state).toBe("completed"),
      { timeout: 20_000, interval: 50 },
    );
    expect(await view(old)).toMatchObject({ userId: "u-aged", itemCount: 3 });
    expect(await view(fresh)).toMatchObject({ userId: "u-aged", itemCount: 3 });
  });
});
