import { orders } from "@bazaar/contracts";
import { readEvents } from "@bazaar/service-kit/testing";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Problem } from "./http/problem-schema.js";
import { OrderDetails } from "./orders/order-details.js";
import { eventually } from "./test-support/http.js";
import { ADMIN, startSystem, type TestSystem } from "./test-support/system.js";

let sys: TestSystem;
let alice: { token: string; userId: string };
let bob: { token: string; userId: string };
let admin: { token: string; userId: string };

beforeAll(async () => {
  // Charges take a moment, so an order is still pending when a test cancels it.
  sys = await startSystem({ env: { payments: { PAYMENT_LATENCY_MS: "400" } } });
  [alice, bob, admin] = await Promise.all([
    sys.newCustomer("Alice"),
    sys.newCustomer("Bob"),
    sys.login(ADMIN),
  ]);
});

afterAll(async () => {
  await sys?.dispose();
});

const address = { name: "Alice", line1: "1 Main St", city: "London", postalCode: "N1 1AA", country: "GB" };
const orderOf = (sku: string, quantity = 1, country = "GB") => ({
  items: [{ sku, quantity }],
  shippingAddress: { ...address, country },
  paymentMethod: { token: "tok_visa" },
});

async function place(token: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await sys.api.post<{ orderId: string; status: string }>("/api/orders", body, {
    token,
    headers,
  });
  expect(res.status, res.text).toBe(202);
  return res;
}

async function details(orderId: string, token: string) {
  const res = await sys.api.get(`/api/orders/${orderId}`, { token });
  expect(res.status, res.text).toBe(200);
  return v.parse(OrderDetails, res.body);
}

const settled = (orderId: string, token: string, status: string) =>
  eventually(async () => {
    const order = await details(orderId, token);
    expect(order.status).toBe(status);
    return order;
  });

describe("placing orders", () => {
  it("answers 202 with the order and its Location; the user comes from the token, never the body", async () => {
    const res = await place(alice.token, { ...orderOf("MUG-001"), userId: bob.userId });
    expect(Object.keys(res.body).sort()).toEqual(["orderId", "status"]);
    expect(res.body.status).toBe("pending");
    expect(res.headers.get("location")).toBe(`/api/orders/${res.body.orderId}`);
    const order = await sys.client.client.call(orders.getOrder, { orderId: res.body.orderId });
    expect(order.userId).toBe(alice.userId);
  });

  it("returns the same order for the same Idempotency-Key", async () => {
    const headers = { "Idempotency-Key": "alice-order-1" };
    const first = await place(alice.token, orderOf("PEN-001"), headers);
    const again = await place(alice.token, orderOf("PEN-001"), headers);
    expect(again.body.orderId).toBe(first.body.orderId);
    const other = await place(alice.token, orderOf("PEN-001"), { "Idempotency-Key": "alice-order-2" });
    expect(other.body.orderId).not.toBe(first.body.orderId);
  });

  it("refuses an invalid order with each field's path", async () => {
    const res = await sys.api.post(
      "/api/orders",
      {
        items: [{ sku: "MUG-001", quantity: 0 }],
        shippingAddress: { ...address, country: "Narnia" },
        paymentMethod: { token: "4111111111111111" },
      },
      { token: alice.token },
    );
    expect(res.status).toBe(400);
    const paths = v
      .parse(Problem, res.body)
      .issues?.map((i) => i.path)
      .sort();
    expect(paths).toEqual(["items.0.quantity", "paymentMethod.token", "shippingAddress.country"]);
    expect(res.text).not.toContain("4111111111111111");
    expect(res.text).not.toContain("Narnia");
  });

  it("continues the caller's trace into the services: order.placed carries its trace id", async () => {
    const traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    const res = await place(alice.token, orderOf("NOTE-001"), {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      "X-Request-Id": "req-trace-test-1",
    });
    expect(res.headers.get("x-request-id")).toBe("req-trace-test-1");
    const event = await eventually(async () => {
      const placed = (await readEvents(sys.client.nc, orders.orderPlaced)).find(
        (e) => e.data.orderId === res.body.orderId,
      );
      expect(placed).toBeDefined();
      return placed;
    });
    expect(event?.traceparent?.split("-")[1]).toBe(traceId);
  });

  it("starts a new trace when the client's traceparent is not valid", async () => {
    const res = await place(alice.token, orderOf("NOTE-001"), {
      traceparent: `00-${"0".repeat(32)}-00f067aa0ba902b7-01`,
    });
    const event = await eventually(async () => {
      const placed = (await readEvents(sys.client.nc, orders.orderPlaced)).find(
        (e) => e.data.orderId === res.body.orderId,
      );
      expect(placed).toBeDefined();
      return placed;
    });
    const traceId = event?.traceparent?.split("-")[1];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe("0".repeat(32));
  });

  it("gives every response a request id when the client sent none", async () => {
    const res = await sys.api.get("/api/products/MUG-001");
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("the Idempotency-Key of an order", () => {
  it("is required: 400 naming the header, and a bad one is never echoed", async () => {
    const missing = await sys.api.post("/api/orders", orderOf("MUG-001"), {
      token: alice.token,
      idempotencyKey: false,
    });
    expect(missing.status).toBe(400);
    expect(v.parse(Problem, missing.body)).toMatchObject({
      code: "BAD_REQUEST",
      reason: "IDEMPOTENCY_KEY_REQUIRED",
      detail: expect.stringContaining("Idempotency-Key"),
    });
    const tooLong = "k".repeat(150) + "-SECRET-".repeat(10);
    const bad = await sys.api.post("/api/orders", orderOf("MUG-001"), {
      token: alice.token,
      idempotencyKey: tooLong,
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Idempotency-Key");
    expect(bad.text).not.toContain("SECRET");
  });

  it("with a different body (quantity 1, then 3) is 422, not 202 with the first order", async () => {
    const buyer = await sys.newCustomer("Reuser");
    const first = await place(buyer.token, orderOf("PEN-001", 1), { "Idempotency-Key": "reuse-1" });
    const reused = await sys.api.post("/api/orders", orderOf("PEN-001", 3), {
      token: buyer.token,
      headers: { "Idempotency-Key": "reuse-1" },
    });
    expect(reused.status, reused.text).toBe(422);
    expect(v.parse(Problem, reused.body)).toMatchObject({
      code: "UNPROCESSABLE",
      reason: "IDEMPOTENCY_KEY_REUSED",
    });
    expect(reused.text).not.toContain(first.body.orderId);
    expect(reused.text).not.toContain("reuse-1");
    // The same request still gets its order.
    const retry = await place(buyer.token, orderOf("PEN-001", 1), { "Idempotency-Key": "reuse-1" });
    expect(retry.body.orderId).toBe(first.body.orderId);
  });

  it("is the caller's own: another user with the same key places their own order", async () => {
    const [ann, ben] = await Promise.all([sys.newCustomer("Ann"), sys.newCustomer("Ben")]);
    const headers = { "Idempotency-Key": "everyones-favourite-key" };
    const anns = await place(ann.token, orderOf("NOTE-001"), headers);
    const bens = await place(ben.token, orderOf("NOTE-001"), headers);
    expect(bens.body.orderId).not.toBe(anns.body.orderId);
    expect((await place(ben.token, orderOf("NOTE-001"), headers)).body.orderId).toBe(bens.body.orderId);
    const order = await sys.client.client.call(orders.getOrder, { orderId: bens.body.orderId });
    expect(order.userId).toBe(ben.userId);
  });
});

describe("reading an order", () => {
  it("aggregates the order, its payment, shipment and saga once it is confirmed", async () => {
    const { body } = await place(alice.token, orderOf("BAG-001", 2));
    const order = await settled(body.orderId, alice.token, "confirmed");
    expect(order).toMatchObject({
      orderId: body.orderId,
      userId: alice.userId,
      totalCents: 2 * 1499,
      payment: { orderId: body.orderId, status: "completed", amountCents: 2 * 1499 },
      shipment: { orderId: body.orderId, status: "created" },
      saga: { status: "completed" },
      degraded: [],
    });
    expect(order.saga?.steps.map((s) => s.name)).toEqual([
      "reserve-stock",
      "charge-payment",
      "create-shipment",
      "commit-stock",
    ]);
    // An admin sees any order.
    expect((await details(body.orderId, admin.token)).orderId).toBe(body.orderId);
  });

  it("shows no payment or shipment for an order that never got that far", async () => {
    const { body } = await place(alice.token, orderOf("KEY-001"));
    const order = await settled(body.orderId, alice.token, "cancelled");
    expect(order).toMatchObject({
      payment: null,
      shipment: null,
      saga: { status: "compensated" },
      degraded: [],
    });
    expect(order.cancelReason).toBe("out of stock");
  });

  it("answers 404 for another user's order, exactly as for one that does not exist", async () => {
    const { body } = await place(alice.token, orderOf("CAP-001"));
    const foreign = await sys.api.get(`/api/orders/${body.orderId}`, { token: bob.token });
    const missing = await sys.api.get("/api/orders/no-such-order", { token: bob.token });
    expect(foreign.status).toBe(404);
    expect(missing.status).toBe(404);
    expect(v.parse(Problem, foreign.body).code).toBe("NOT_FOUND");
    expect(foreign.text).not.toContain("Alice");
  });
});

describe("cancelling an order", () => {
  it("lets the owner cancel while pending (202), and the order ends cancelled", async () => {
    const { body } = await place(alice.token, orderOf("TEE-001"));
    const res = await sys.api.post(
      `/api/orders/${body.orderId}/cancel`,
      { reason: "changed my mind" },
      { token: alice.token },
    );
    expect(res.status, res.text).toBe(202);
    expect(res.body).toMatchObject({ orderId: body.orderId, userId: alice.userId });
    const order = await settled(body.orderId, alice.token, "cancelled");
    expect(order.cancelReason).toBe("changed my mind");
  });

  it("does not let anyone else cancel it (404), and refuses a shipped order (409)", async () => {
    const { body } = await place(alice.token, orderOf("SOCK-001"));
    const foreign = await sys.api.post(`/api/orders/${body.orderId}/cancel`, undefined, { token: bob.token });
    expect(foreign.status).toBe(404);
    const asAdmin = await sys.api.post(`/api/orders/${body.orderId}/cancel`, undefined, {
      token: admin.token,
    });
    expect(asAdmin.status).toBe(404);
    await settled(body.orderId, alice.token, "confirmed");
    const late = await sys.api.post(`/api/orders/${body.orderId}/cancel`, undefined, { token: alice.token });
    expect(late.status).toBe(409);
    expect(v.parse(Problem, late.body)).toMatchObject({ code: "CONFLICT", reason: "ALREADY_SHIPPED" });
  });
});

describe("the caller's lists", () => {
  it("lists my orders from the read model, and only mine", async () => {
    const { body } = await place(bob.token, orderOf("STICK-001"));
    const mine = await eventually(async () => {
      const res = await sys.api.get<{ items: Array<{ orderId: string; userId: string }> }>(
        "/api/my-orders?limit=50",
        {
          token: bob.token,
        },
      );
      expect(res.status).toBe(200);
      expect(res.body.items.map((o) => o.orderId)).toContain(body.orderId);
      return res.body.items;
    });
    expect(mine.every((o) => o.userId === bob.userId)).toBe(true);
  });

  it("lists my notifications", async () => {
    const list = await eventually(async () => {
      const res = await sys.api.get<{ items: Array<{ userId: string; subject: string }> }>(
        "/api/notifications",
        {
          token: bob.token,
        },
      );
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeGreaterThan(0);
      return res.body.items;
    });
    expect(list.every((n) => n.userId === bob.userId)).toBe(true);
  });
});
