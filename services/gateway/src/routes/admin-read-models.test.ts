import { randomUUID } from "node:crypto";
import { type EventContract, orders, payments, SHIPPING_STREAM, shipping } from "@bazaar/contracts";
import { ensureStream } from "@bazaar/service-kit/platform";
import { readEvents } from "@bazaar/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../test-support/http.js";
import { ADMIN, CUSTOMER, startSystem, type TestSystem } from "../test-support/system.js";

const PATH = "/api/admin/read-models/order-views/rebuild";
let sys: TestSystem;
let admin: string;
let buyer: { token: string; userId: string };
let orderId = "";

beforeAll(async () => {
  sys = await startSystem();
  [admin, buyer] = await Promise.all([sys.login(ADMIN).then((a) => a.token), sys.newCustomer("Rebuilder")]);
});

afterAll(async () => {
  await sys?.dispose();
});

type Status = {
  state: string;
  processed: number;
  skipped: number;
  skippedEvents: Array<{ stream: string; seq: number; subject: string; reason: string }>;
  mode: string | null;
  error: string | null;
};

const finished = () =>
  eventually(async () => {
    const res = await sys.api.get<Status>(PATH, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.state, JSON.stringify(res.body)).not.toBe("running");
    return res.body;
  });

const myOrders = async () =>
  (
    await sys.api.get<{ items: Array<{ orderId: string; status: string }> }>("/api/my-orders", {
      token: buyer.token,
    })
  ).body.items;

const about = async (event: EventContract, id: string) =>
  (await readEvents(sys.client.nc, event)).filter((e) => (e.data as { orderId: string }).orderId === id);

describe("events about an order carry their owner's per-order sequence", () => {
  it("orders, payments and shipping each number their own events about the order from 1", async () => {
    const placed = await sys.api.post<{ orderId: string }>(
      "/api/orders",
      {
        items: [{ sku: "MUG-001", quantity: 1 }],
        shippingAddress: { name: "Ops", line1: "1 Ops St", city: "Oslo", postalCode: "0150", country: "NO" },
        paymentMethod: { token: "tok_visa" },
      },
      { token: buyer.token },
    );
    expect(placed.status, placed.text).toBe(202);
    orderId = placed.body.orderId;
    await eventually(async () =>
      expect((await myOrders()).find((o) => o.orderId === orderId)?.status).toBe("confirmed"),
    );
    const sequences = async (event: EventContract) =>
      (await about(event, orderId)).map((e) => [e.source, e.aggregate]);
    const key = orderId;
    expect(await sequences(orders.orderPlaced)).toEqual([["orders", { key, seq: 1 }]]);
    expect(await sequences(orders.orderConfirmed)).toEqual([["orders", { key, seq: 2 }]]);
    expect(await sequences(payments.paymentCompleted)).toEqual([["payments", { key, seq: 1 }]]);
    expect(await sequences(shipping.shipmentCreated)).toEqual([["shipping", { key, seq: 1 }]]);
  });
});

describe("GET/POST /api/admin/read-models/order-views/rebuild", () => {
  it("completes past a malformed event in ORDERS and shows it as skipped, by stream and sequence", async () => {
    // As a broken publisher would, from the operator's connection.
    const js = sys.client.js;
    await js.publish(
      orders.orderPlaced.subject,
      JSON.stringify({
        id: randomUUID(),
        type: "order.placed",
        version: 1,
        occurredAt: new Date().toISOString(),
        source: "orders",
      }),
    );
    const { seq } = await js.publish(
      orders.orderPlaced.subject,
      JSON.stringify({
        id: randomUUID(),
        type: "order.placed",
        version: 1,
        occurredAt: new Date().toISOString(),
        source: "orders",
        aggregate: { key: "o-api", seq: 1 },
        data: {
          orderId: "o-api",
          userId: "u-api",
          items: [{ sku: "MUG-001", quantity: 1, unitPriceCents: 1299 }],
          totalCents: 1299,
          currency: "EUR",
          placedAt: new Date().toISOString(),
        },
      }),
    );
    const started = await sys.api.post<Status>(PATH, undefined, { token: admin });
    expect(started.status, started.text).toBe(202);
    expect(started.body).toMatchObject({ state: "running", skipped: 0, skippedEvents: [], mode: null });

    const status = await finished();
    expect(status).toMatchObject({
      state: "completed",
      skipped: 1,
      skippedEvents: [{ stream: "ORDERS", seq: seq - 1, subject: orders.orderPlaced.subject }],
      mode: "replace",
      error: null,
    });
    expect(status.processed).toBeGreaterThan(5);
    expect(status.skippedEvents[0]?.reason).toMatch(/^invalid order\.placed v1: /);
    // The model was rebuilt, not emptied: the order placed through the API is still its owner's.
    expect((await myOrders()).find((o) => o.orderId === orderId)?.status).toBe("confirmed");
  });

  it("shows a failed rebuild with its reason", async () => {
    await sys.client.jsm.streams.delete(SHIPPING_STREAM.name);
    try {
      expect((await sys.api.post(PATH, undefined, { token: admin })).status).toBe(202);
      expect(await finished()).toMatchObject({
        state: "failed",
        error: expect.stringContaining("not found"),
      });
    } finally {
      await ensureStream(sys.client.jsm, SHIPPING_STREAM);
    }
  });

  it("is for admins only", async () => {
    const customer = (await sys.login(CUSTOMER)).token;
    expect((await sys.api.get(PATH, { token: customer })).status).toBe(403);
    expect((await sys.api.post(PATH, undefined, { token: customer })).status).toBe(403);
  });
});
