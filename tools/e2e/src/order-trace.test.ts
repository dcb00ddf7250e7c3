import { randomBytes } from "node:crypto";
import { type BazaarClient, createBazaarClient } from "@bazaar/client";
import { freePort } from "@bazaar/testing";
import {
  describeTree,
  findViewer,
  type RunningViewer,
  spanTree,
  startViewer,
  type TraceSpan,
  waitForTrace,
} from "@bazaar/traces";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADDRESS, eventually, startTestSystem, type TestSystem } from "./support/test-system.js";

// One order placed through the gateway, followed in the trace viewer across every service on its path.
const installed = findViewer().missing.length === 0;
if (!installed && process.env.CI) throw new Error("the trace viewer is not installed: pnpm traces:install");

let viewer: RunningViewer;
let t: TestSystem;
beforeAll(async () => {
  if (!installed) return;
  viewer = await startViewer({ otlpHttpPort: await freePort(), uiPort: await freePort() });
  t = await startTestSystem("processes", {
    gateway: true,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: viewer.otlpEndpoint, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" },
  });
}, 180_000);
afterAll(async () => {
  await t?.stop();
  await viewer?.stop();
});

async function customer(baseUrl: string): Promise<BazaarClient> {
  const api = createBazaarClient({ baseUrl });
  const login = await api.login({ email: "customer@bazaar.local", password: "bazaar-customer-dev" });
  expect(login.response.status).toBe(200);
  return api;
}

describe.skipIf(!installed)("one order's trace", () => {
  it("joins the gateway and every service on the order's path, each span under its cause", async () => {
    const api = await customer(t.system.url("gateway"));
    const traceId = randomBytes(16).toString("hex");
    const clientSpan = randomBytes(8).toString("hex");
    const placed = await api.POST("/api/orders", {
      headers: { traceparent: `00-${traceId}-${clientSpan}-01` },
      body: {
        items: [{ sku: "PEN-001", quantity: 1 }],
        shippingAddress: ADDRESS,
        paymentMethod: { token: "tok_visa" },
      },
    });
    expect(placed.response.status).toBe(202);
    const orderId = placed.data?.orderId ?? "";
    await eventually(async () => {
      const res = await api.GET("/api/orders/{id}", { params: { path: { id: orderId } } });
      expect(res.data?.status).toBe("confirmed");
    });

    const services = [
      "gateway",
      "orders",
      "inventory",
      "payments",
      "shipping",
      "order-views",
      "notifications",
    ];
    const trace = await waitForTrace({
      traceId,
      services,
      minSpans: 30,
      timeoutMs: 30_000,
      apiUrl: viewer.apiUrl,
    });
    const named = (service: string, name: string): TraceSpan => {
      const span = trace.spans.find((s) => s.service === service && s.name === name.toLowerCase());
      if (!span) throw new Error(`no span "${name}" of ${service} in:\n${describeTree(spanTree(trace))}`);
      return span;
    };
    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    const parentOf = (span: TraceSpan) => (span.parentSpanId ? byId.get(span.parentSpanId) : undefined);

    // One tree: the gateway's request is the only root, a child of the caller's span.
    const http = named("gateway", "POST /api/orders");
    expect(http.parentSpanId).toBe(clientSpan);
    expect(spanTree(trace).map((n) => n.span.spanId)).toEqual([http.spanId]);

    // gateway → orders: the client span in the gateway, the server span in orders under it.
    const place = named("orders", "process rpc.orders.placeOrder");
    expect(parentOf(place)).toMatchObject({ service: "gateway", name: "send rpc.orders.placeorder" });
    expect(parentOf(parentOf(place) as TraceSpan)?.spanId).toBe(http.spanId);

    // The saga's steps call inventory, payments and shipping, each server span under an orders client span.
    for (const [service, subject] of [
      ["inventory", "rpc.inventory.reserve"],
      ["payments", "rpc.payments.charge"],
      ["shipping", "rpc.shipping.createShipment"],
      ["inventory", "rpc.inventory.commit"],
    ] as const) {
      const server = named(service, `process ${subject}`);
      expect(parentOf(server), subject).toMatchObject({
        service: "orders",
        name: `send ${subject}`.toLowerCase(),
      });
    }

    // Events: order-views and notifications process order.confirmed under the event's own span in orders.
    const created = named("orders", "create evt.order.confirmed.v1");
    for (const service of ["order-views", "notifications"]) {
      expect(parentOf(named(service, "process evt.order.confirmed.v1"))?.spanId).toBe(created.spanId);
    }
    expect(trace.spans.length).toBeGreaterThanOrEqual(30);
    process.stdout.write(`order ${orderId}: ${trace.spans.length} spans from ${trace.services.join(", ")}\n`);
  }, 120_000);
});
