import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  LiveEvent,
  StreamDropped,
  StreamExpired,
  StreamMessage,
  StreamReady,
} from "./events/stream-messages.js";
import { Problem } from "./http/problem-schema.js";
import { eventually } from "./test-support/http.js";
import { gaugeValue } from "./test-support/metrics.js";
import { signToken } from "./test-support/signing-key.js";
import { openEventStream } from "./test-support/sse.js";
import { ADMIN, CUSTOMER, startSystem, type TestSystem } from "./test-support/system.js";

let sys: TestSystem;
let admin: string;
let customer: string;

beforeAll(async () => {
  sys = await startSystem();
  [admin, customer] = (await Promise.all([sys.login(ADMIN), sys.login(CUSTOMER)])).map((s) => s.token) as [
    string,
    string,
  ];
});

afterAll(async () => {
  await sys?.dispose();
});

const SERVICES = [
  "gateway",
  "inventory",
  "notifications",
  "order-views",
  "orders",
  "payments",
  "shipping",
  "users",
];
const address = { name: "Ops", line1: "1 Ops St", city: "Oslo", postalCode: "0150", country: "NO" };

async function placeOrder(token: string) {
  const res = await sys.api.post<{ orderId: string }>(
    "/api/orders",
    {
      items: [{ sku: "MUG-001", quantity: 1 }],
      shippingAddress: address,
      paymentMethod: { token: "tok_visa" },
    },
    { token },
  );
  expect(res.status, res.text).toBe(202);
  return res.body.orderId;
}

describe("system view", () => {
  it("reports every service's readiness, found by discovery", async () => {
    // Readiness is gathered from every instance at request time; on a loaded machine one reply can come
    // after the gathering stalls, which reads as "fail" once: the steady state is what this checks.
    const res = await eventually(async () => {
      const answer = await sys.api.get<{
        status: string;
        services: Array<{ name: string; status: string; instances: unknown[] }>;
      }>("/api/system/health");
      expect(answer.status, answer.text).toBe(200);
      return answer;
    });
    expect(res.headers.get("content-type")).toBe("application/health+json");
    expect(res.body.status).toBe("pass");
    expect(res.body.services.map((s) => s.name)).toEqual(SERVICES);
    for (const s of res.body.services) {
      expect(s.status).toBe("pass");
      expect(s.instances).toHaveLength(1);
    }
  });

  it("lists running instances with metadata, endpoint statistics and readiness", async () => {
    await sys.api.get("/api/products/MUG-001");
    const res = await sys.api.get<{
      services: Array<{
        name: string;
        instances: Array<{
          id: string;
          metadata: Record<string, string>;
          endpoints: Array<{ name: string; num_requests: number; average_processing_time: number }>;
          health: { status: string } | null;
        }>;
      }>;
    }>("/api/admin/services", { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.services.map((s) => s.name)).toEqual(SERVICES);
    const inventory = res.body.services.find((s) => s.name === "inventory")?.instances[0];
    expect(inventory?.metadata).toMatchObject({
      instance: expect.any(String),
      http: expect.stringMatching(/^http:/),
    });
    expect(JSON.parse(inventory?.metadata.topology ?? "{}")).toMatchObject({ service: "inventory" });
    expect(inventory?.health?.status).toBe("pass");
    const getProduct = inventory?.endpoints.find((e) => e.name === "getProduct");
    expect(getProduct?.num_requests).toBeGreaterThan(0);
    expect(getProduct?.average_processing_time).toBeGreaterThan(0);
    expect((await sys.api.get("/api/admin/services", { token: customer })).status).toBe(403);
  });

  it("draws the topology: calls and event flows between services", async () => {
    const res = await sys.api.get<{ nodes: Array<{ id: string; instances: number }>; edges: unknown[] }>(
      "/api/admin/topology",
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body.nodes.map((n) => n.id)).toEqual(SERVICES);
    expect(res.body.edges).toEqual(
      expect.arrayContaining([
        { from: "gateway", to: "users", kind: "call", subject: "rpc.users.login" },
        { from: "orders", to: "inventory", kind: "call", subject: "rpc.inventory.reserve" },
        { from: "orders", to: "payments", kind: "call", subject: "rpc.payments.charge" },
        { from: "orders", to: "order-views", kind: "event", subject: "evt.order.placed.v1" },
        { from: "users", to: "notifications", kind: "event", subject: "evt.user.registered.v1" },
        { from: "payments", to: "order-views", kind: "event", subject: "evt.payment.completed.v1" },
      ]),
    );
  });

  it("lists streams with their size and each consumer's backlog", async () => {
    await placeOrder(customer);
    const res = await sys.api.get<{
      streams: Array<{
        name: string;
        messages: number;
        bytes: number;
        description: string;
        consumers: Array<{ name: string; num_pending: number }>;
      }>;
    }>("/api/admin/streams", { token: admin });
    expect(res.status).toBe(200);
    const ordersStream = res.body.streams.find((s) => s.name === "ORDERS");
    expect(ordersStream?.messages).toBeGreaterThan(0);
    expect(ordersStream?.bytes).toBeGreaterThan(0);
    expect(ordersStream?.description).toContain("orders");
    expect(ordersStream?.consumers.map((c) => c.name)).toContain("order-views__order-placed-v1");
    expect(ordersStream?.consumers.every((c) => typeof c.num_pending === "number")).toBe(true);
  });
});

describe("system health for the public", () => {
  it("shows anonymous callers pass or fail per check, and operators the details", async () => {
    type Health = {
      services: Array<{ instances: Array<{ checks: Record<string, Array<Record<string, unknown>>> }> }>;
    };
    const anonymous = await sys.api.get<Health>("/api/system/health");
    const checks = anonymous.body.services.flatMap((s) =>
      s.instances.flatMap((i) => Object.values(i.checks).flat()),
    );
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((c) => Object.keys(c).join() === "status")).toBe(true);
    const operator = await sys.api.get<Health>("/api/system/health", { token: admin });
    const detailed = operator.body.services.flatMap((s) =>
      s.instances.flatMap((i) => Object.values(i.checks).flat()),
    );
    expect(detailed.some((c) => "durationMs" in c)).toBe(true);
  });
});

describe("live events", () => {
  it("ends the stream when the token that opened it expires", async () => {
    const shortLived = await signToken(sys.signingKey, { sub: "ops-1", role: "admin", expiresIn: 2 });
    const stream = await openEventStream(
      `${sys.gateway.url}/api/admin/events/stream?access_token=${encodeURIComponent(shortLived)}`,
    );
    expect(stream.status).toBe(200);
    await stream.next((m) => m.event === "ready");
    const expired = await stream.next((m) => m.event === "expired", 10_000);
    expect(JSON.parse(expired.data)).toEqual({ reason: "the access token expired" });
    stream.close();
  });

  it("streams events to an admin (token in the query), filtered by type, and lets go on disconnect", async () => {
    const stream = await openEventStream(
      `${sys.gateway.url}/api/admin/events/stream?type=order.&access_token=${encodeURIComponent(admin)}`,
    );
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    await stream.next((m) => m.event === "ready");
    expect(await gaugeValue(sys.api, "bazaar_gateway_event_streams")).toBe(1);
    const orderId = await placeOrder(customer);
    const placed = await stream.next((m) => m.data.includes(orderId) && m.data.includes('"order.placed"'));
    const event = JSON.parse(placed.data);
    expect(event).toMatchObject({
      subject: "evt.order.placed.v1",
      type: "order.placed",
      source: "orders",
      data: { orderId },
    });
    expect(Object.keys(event).sort()).toEqual([
      "data",
      "id",
      "occurredAt",
      "source",
      "subject",
      "traceId",
      "type",
    ]);
    expect(placed.id).toBe(event.id);
    // The filter keeps other types out: a payment event for the same order never arrives.
    await expect(stream.next((m) => m.data.includes('"payment.completed"'), 1000)).rejects.toThrow();
    stream.close();
    await eventually(async () => expect(await gaugeValue(sys.api, "bazaar_gateway_event_streams")).toBe(0));
  });

  it("sends only messages the document describes: events, ready and expired, each with its schema", async () => {
    const spec = await sys.api.get<{
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    }>("/openapi.json");
    const documented = spec.body.paths["/api/admin/events/stream"]?.get.responses["200"]?.content;
    expect(JSON.stringify(documented?.["text/event-stream"])).toEqual(
      expect.stringMatching(/LiveEvent.*StreamReady.*StreamDropped.*StreamExpired/),
    );
    const token = await signToken(sys.signingKey, { sub: "ops-2", role: "admin", expiresIn: 3 });
    const stream = await openEventStream(
      `${sys.gateway.url}/api/admin/events/stream?access_token=${encodeURIComponent(token)}`,
    );
    await placeOrder(customer);
    const seen: Array<{ event: string; data: unknown }> = [];
    for (;;) {
      const message = await stream.next(() => true, 10_000);
      seen.push({ event: message.event, data: JSON.parse(message.data) });
      if (message.event === "expired") break;
    }
    stream.close();
    const schemaOf = {
      message: LiveEvent,
      ready: StreamReady,
      dropped: StreamDropped,
      expired: StreamExpired,
    };
    for (const { event, data } of seen) {
      expect(Object.keys(schemaOf), event).toContain(event);
      expect(v.is(StreamMessage, data), event).toBe(true);
      expect(v.is(schemaOf[event as keyof typeof schemaOf], data), event).toBe(true);
    }
    expect(seen.map((m) => m.event)).toEqual(expect.arrayContaining(["ready", "message", "expired"]));
  });

  it("refuses the stream without an admin token", async () => {
    const anonymous = await sys.api.get("/api/admin/events/stream");
    expect(anonymous.status).toBe(401);
    const asCustomer = await sys.api.get(`/api/admin/events/stream?access_token=${customer}`);
    expect(asCustomer.status).toBe(403);
    expect(v.parse(Problem, asCustomer.body).code).toBe("FORBIDDEN");
    // The query token is for the event stream only.
    expect((await sys.api.get(`/api/admin/sagas?access_token=${admin}`)).status).toBe(401);
  });
});
