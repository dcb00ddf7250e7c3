import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Problem } from "./http/problem-schema.js";
import { OrderDetails } from "./orders/order-details.js";
import { eventually } from "./test-support/http.js";
import { callCount } from "./test-support/metrics.js";
import { ADMIN, startSystem, type TestSystem } from "./test-support/system.js";

// Short budgets, so "does not answer" is quick to see: a request gets 1 s, an order's secondary parts 300 ms.
const ROUTE_TIMEOUT_MS = 1000;
const PART_TIMEOUT_MS = 300;

let sys: TestSystem;
let customer: { token: string; userId: string };
let admin: string;
let orderId: string;

/** A subscriber that takes requests on a subject and never answers: a hung service instance. */
function hang(subject: string): () => void {
  const sub = sys.client.nc.subscribe(subject, { queue: "q", callback: () => undefined });
  return () => sub.unsubscribe();
}

beforeAll(async () => {
  sys = await startSystem({
    gatewayEnv: {
      ROUTE_TIMEOUT_MS: String(ROUTE_TIMEOUT_MS),
      // A body must arrive within the route's budget (the gateway refuses to start otherwise).
      BODY_TIMEOUT_MS: String(ROUTE_TIMEOUT_MS / 2),
      AGGREGATE_PART_TIMEOUT_MS: String(PART_TIMEOUT_MS),
    },
  });
  customer = await sys.newCustomer("Faulty");
  admin = (await sys.login(ADMIN)).token;
  const placed = await sys.api.post<{ orderId: string }>(
    "/api/orders",
    {
      items: [{ sku: "MUG-001", quantity: 1 }],
      shippingAddress: { name: "F", line1: "1 St", city: "Paris", postalCode: "75001", country: "FR" },
      paymentMethod: { token: "tok_visa" },
    },
    { token: customer.token },
  );
  orderId = placed.body.orderId;
  await eventually(async () => {
    const res = await sys.api.get(`/api/orders/${orderId}`, { token: customer.token });
    expect(res.body.status).toBe("confirmed");
  });
  await sys.client.nc.flush();
});

afterAll(async () => {
  await sys?.dispose();
});

async function orderDetails() {
  const res = await sys.api.get(`/api/orders/${orderId}`, { token: customer.token });
  expect(res.status, res.text).toBe(200);
  return v.parse(OrderDetails, res.body);
}

describe("a stopped service", () => {
  it("leaves a part out of the order, named in degraded, while the rest is answered", async () => {
    await sys.stopService("payments");
    const order = await orderDetails();
    expect(order).toMatchObject({ orderId, status: "confirmed", payment: null, degraded: ["payment"] });
    expect(order.shipment?.status).toBe("created");
  });

  it("fails the system health (503): payments is still expected, as orders calls it", async () => {
    const res = await sys.api.get<{
      status: string;
      services: Array<{ name: string; status: string; instances: unknown[] }>;
    }>("/api/system/health");
    expect(res.status).toBe(503);
    expect(res.body.status).toBe("fail");
    expect(res.body.services.find((s) => s.name === "payments")).toEqual({
      name: "payments",
      status: "fail",
      instances: [],
    });
    expect(res.body.services.find((s) => s.name === "orders")?.status).toBe("pass");
  });

  it("answers 503 on a route whose service is stopped", async () => {
    await sys.stopService("notifications");
    const res = await sys.api.get("/api/notifications", { token: customer.token });
    expect(res.status).toBe(503);
    expect(v.parse(Problem, res.body).code).toBe("UNAVAILABLE");
  });

  it("answers 503 for the order itself when orders is stopped", async () => {
    await sys.stopService("orders");
    const res = await sys.api.get(`/api/orders/${orderId}`, { token: customer.token });
    expect(res.status).toBe(503);
    expect(v.parse(Problem, res.body).code).toBe("UNAVAILABLE");
    await sys.startService("orders");
    expect((await orderDetails()).orderId).toBe(orderId);
  });
});

describe("a service that does not answer", () => {
  it("answers 504 when the request's budget runs out, and stops waiting downstream", async () => {
    const release = hang("rpc.notifications.list");
    try {
      const started = Date.now();
      const res = await sys.api.get("/api/notifications", { token: customer.token });
      const elapsed = Date.now() - started;
      expect(res.status).toBe(504);
      expect(v.parse(Problem, res.body).code).toBe("TIMEOUT");
      // The route budget (1 s), not the contract's 5 s.
      expect(elapsed).toBeGreaterThanOrEqual(ROUTE_TIMEOUT_MS - 50);
      expect(elapsed).toBeLessThan(ROUTE_TIMEOUT_MS + 1000);
      // The downstream call ended with the request (the contract alone would have waited 5 s).
      expect(await callCount(sys.api, "rpc.notifications.list", "TIMEOUT")).toBe(1);
    } finally {
      release();
    }
  });

  it("leaves a hung part out of the order after its own short budget", async () => {
    const release = hang("rpc.payments.getPayment");
    try {
      const started = Date.now();
      const order = await orderDetails();
      expect(Date.now() - started).toBeLessThan(ROUTE_TIMEOUT_MS);
      expect(order.degraded).toEqual(["payment"]);
      expect(order.payment).toBeNull();
    } finally {
      release();
    }
  });

  it("comes back once the service is back", async () => {
    await sys.startService("payments");
    const order = await orderDetails();
    expect(order.degraded).toEqual([]);
    expect(order.payment?.status).toBe("completed");
  });
});

describe("users is down", () => {
  it("keeps verifying tokens with the cached keys; routes that need users answer 503, not 401", async () => {
    await sys.stopService("users");
    const order = await sys.api.get(`/api/orders/${orderId}`, { token: customer.token });
    expect(order.status).toBe(200);
    const me = await sys.api.get("/api/me", { token: customer.token });
    expect(me.status).toBe(503);
    const login = await sys.api.post("/api/auth/login", {
      email: "customer@bazaar.local",
      password: "whatever-long",
    });
    expect(login.status).toBe(503);
    const adminView = await sys.api.get("/api/admin/sagas", { token: admin });
    expect(adminView.status).toBe(200);
  });
});
