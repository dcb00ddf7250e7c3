import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBazaarClient } from "./create-bazaar-client.js";
import { type FlakyServer, startFlakyServer } from "./test-support/flaky-server.js";

let server: FlakyServer;
beforeAll(async () => {
  server = await startFlakyServer();
});
afterAll(async () => {
  await server?.close();
});

const order = {
  items: [{ sku: "PEN-001", quantity: 1 }],
  shippingAddress: { name: "Ada", line1: "1 St", city: "London", postalCode: "N1", country: "GB" },
  paymentMethod: { token: "tok_visa" },
};
const retry = { baseDelayMs: 5, maxDelayMs: 10 };

describe("createBazaarClient", () => {
  it("sends an Idempotency-Key on a command, none on a query, and keeps it across retries", async () => {
    const api = createBazaarClient({ baseUrl: server.url, retry });
    server.script({ status: 503 }, { status: 202, body: { orderId: "o-1", status: "pending" } });
    // The gateway requires the header here; the client's types leave it out because the client sends one.
    const placed = await api.POST("/api/orders", { body: order });
    expect(placed.data).toEqual({ orderId: "o-1", status: "pending" });
    const keys = server.received.map((r) => r.headers["idempotency-key"]);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    server.script();
    await api.GET("/api/products", { params: { query: { limit: 5 } } });
    expect(server.received.map((r) => [r.url, r.headers["idempotency-key"]])).toEqual([
      ["/api/products?limit=5", undefined],
    ]);
  });

  it("uses the caller's key when the call names one", async () => {
    const api = createBazaarClient({ baseUrl: server.url, retry });
    server.script({ status: 504 });
    await api.POST("/api/orders", { body: order, params: { header: { "Idempotency-Key": "order-42" } } });
    expect(server.received.map((r) => r.headers["idempotency-key"])).toEqual(["order-42", "order-42"]);
  });

  it("does not retry a 400 or a 409, and returns the problem as the error", async () => {
    const api = createBazaarClient({ baseUrl: server.url, retry });
    for (const status of [400, 409]) {
      server.script({
        status,
        body: { title: "no", status, code: status === 400 ? "BAD_REQUEST" : "CONFLICT" },
      });
      const res = await api.POST("/api/orders", { body: order });
      expect(res.response.status).toBe(status);
      expect(res.error).toMatchObject({ status });
      expect(server.received).toHaveLength(1);
    }
  });

  it("sends the token, asking a token function before each request", async () => {
    let current: string | undefined = "t-1";
    const api = createBazaarClient({ baseUrl: server.url, token: () => current });
    server.script();
    await api.GET("/api/me");
    current = undefined;
    await api.GET("/api/me");
    expect(server.received.map((r) => r.headers.authorization)).toEqual(["Bearer t-1", undefined]);
  });

  it("login sends later requests with the token it got", async () => {
    const api = createBazaarClient({ baseUrl: server.url });
    server.script({ status: 200, body: { accessToken: "jwt-1", tokenType: "Bearer", expiresIn: 900 } });
    const login = await api.login({ email: "a@example.com", password: "pw" });
    expect(login.data?.accessToken).toBe("jwt-1");
    await api.GET("/api/me");
    expect(server.received.map((r) => r.headers.authorization)).toEqual([undefined, "Bearer jwt-1"]);
    expect(JSON.parse(server.received[0]?.body ?? "")).toEqual({ email: "a@example.com", password: "pw" });
  });

  it("keeps the previous token when a login fails", async () => {
    const api = createBazaarClient({ baseUrl: server.url, token: "old" });
    server.script({ status: 401, body: { title: "Unauthorized", status: 401, code: "UNAUTHORIZED" } });
    const login = await api.login({ email: "a@example.com", password: "wrong" });
    expect(login.error).toMatchObject({ code: "UNAUTHORIZED" });
    await api.GET("/api/me");
    expect(server.received.map((r) => r.headers.authorization)).toEqual(["Bearer old", "Bearer old"]);
  });

  it("is typed by the gateway's routes (checked by tsc)", () => {
    const api = createBazaarClient({ baseUrl: server.url });
    // Never called: the lines below are for the type checker, which fails the typecheck if they compile.
    const misuse = () => [
      // @ts-expect-error no such route
      api.GET("/api/nope"),
      api.POST("/api/orders", {
        // @ts-expect-error an order needs items
        body: { shippingAddress: order.shippingAddress, paymentMethod: order.paymentMethod },
      }),
    ];
    expect(misuse).toBeTypeOf("function");
  });
});
