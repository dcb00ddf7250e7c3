import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AttemptTimeoutError, createResilientFetch } from "./resilient-fetch.js";
import type { RetryEvent, RetryOptions } from "./retry-policy.js";
import { type FlakyServer, startFlakyServer } from "./test-support/flaky-server.js";

let server: FlakyServer;
beforeAll(async () => {
  server = await startFlakyServer();
});
afterAll(async () => {
  await server?.close();
});

// Short backoffs keep the suite fast; the jitter is pinned so waits are exact.
const fast: RetryOptions = { baseDelayMs: 10, maxDelayMs: 40, attemptTimeoutMs: 2_000 };

function send(method: string, path: string, retry: RetryOptions = fast, init: RequestInit = {}) {
  const events: RetryEvent[] = [];
  const fetch = createResilientFetch({
    retry: { ...retry, onRetry: (e) => events.push(e) },
    random: () => 0.5,
  });
  const body = method === "GET" ? {} : { body: JSON.stringify({ sku: "PEN-001", quantity: 1 }) };
  const response = fetch(new Request(`${server.url}${path}`, { method, ...body, ...init }));
  return { response, events };
}

describe("createResilientFetch", () => {
  it("gives each command a fresh Idempotency-Key and a query none", async () => {
    server.script();
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "GET"]) await send(method, "/api/x").response;
    const keys = server.received.map((r) => r.headers["idempotency-key"]);
    expect(keys.slice(0, 4).every((k) => typeof k === "string" && /^[0-9a-f-]{36}$/.test(k))).toBe(true);
    expect(new Set(keys.slice(0, 4)).size).toBe(4);
    expect(keys[4]).toBeUndefined();
  });

  it("keeps a key the caller chose", async () => {
    server.script({ status: 503 });
    await send("POST", "/api/orders", fast, { headers: { "Idempotency-Key": "mine-1" } }).response;
    expect(server.received.map((r) => r.headers["idempotency-key"])).toEqual(["mine-1", "mine-1"]);
  });

  it("retries 503, 504, 429 and a dropped connection with the same key and the same body", async () => {
    server.script({ status: 503 }, { status: 504 }, { status: 429 }, { reset: true }, { status: 202 });
    const { response, events } = send("POST", "/api/orders", { ...fast, maxAttempts: 5 });
    expect((await response).status).toBe(202);
    expect(server.received).toHaveLength(5);
    const [first] = server.received;
    expect(new Set(server.received.map((r) => r.headers["idempotency-key"]))).toEqual(
      new Set([first?.headers["idempotency-key"]]),
    );
    expect(server.received.every((r) => r.body === first?.body && r.body.includes("PEN-001"))).toBe(true);
    expect(events.map((e) => e.status ?? "error")).toEqual([503, 504, 429, "error"]);
    expect(events.every((e) => e.idempotencyKey === first?.headers["idempotency-key"])).toBe(true);
  });

  it("backs off exponentially, capped", async () => {
    server.script({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const { response, events } = send("GET", "/api/products", { ...fast, maxAttempts: 5 });
    expect((await response).status).toBe(200);
    // Equal jitter at 0.5: three quarters of 10, 20, 40, 40 (the cap).
    expect(events.map((e) => e.delayMs)).toEqual([8, 15, 30, 30]);
  });

  it.each([400, 401, 403, 404, 409, 422])("never retries a %i", async (status) => {
    server.script({ status });
    const { response, events } = send("POST", "/api/orders");
    expect((await response).status).toBe(status);
    expect(server.received).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("waits as long as Retry-After says", async () => {
    server.script({ status: 429, headers: { "retry-after": "1" } });
    const started = Date.now();
    const { response, events } = send("POST", "/api/auth/login");
    expect((await response).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(990);
    expect(events.map((e) => [e.delayMs, e.retryAfterMs])).toEqual([[1000, 1000]]);
  });

  it("returns the 429 when Retry-After asks for longer than it will wait", async () => {
    server.script({ status: 429, headers: { "retry-after": "120" } });
    const { response, events } = send("GET", "/api/products", { ...fast, maxRetryAfterMs: 60_000 });
    const res = await response;
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("120");
    expect(server.received).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it("gives up after maxAttempts and returns the last answer", async () => {
    server.script({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const { response } = send("POST", "/api/orders", { ...fast, maxAttempts: 3 });
    expect((await response).status).toBe(503);
    expect(server.received).toHaveLength(3);
  });

  it("aborts an attempt that has no answer in attemptTimeoutMs and retries it with the same key", async () => {
    server.script({ delayMs: 1_000, status: 202 }, { status: 202, body: { orderId: "o-1" } });
    const { response, events } = send("POST", "/api/orders", { ...fast, attemptTimeoutMs: 200 });
    const res = await response;
    expect(await res.json()).toEqual({ orderId: "o-1" });
    expect(events).toHaveLength(1);
    expect(events[0]?.error).toBeInstanceOf(AttemptTimeoutError);
    const [a, b] = server.received;
    expect(b?.headers["idempotency-key"]).toBe(a?.headers["idempotency-key"]);
  });

  it("throws the attempt timeout once the attempts are spent", async () => {
    server.script({ delayMs: 500, status: 200 }, { delayMs: 500, status: 200 });
    const { response } = send("GET", "/api/products", { ...fast, attemptTimeoutMs: 100, maxAttempts: 2 });
    await expect(response).rejects.toBeInstanceOf(AttemptTimeoutError);
    expect(server.received).toHaveLength(2);
  });

  it("does not time out a body that is still streaming once the headers are in", async () => {
    server.script({ slowBodyMs: 300, status: 200 });
    const { response, events } = send("GET", "/api/events", { ...fast, attemptTimeoutMs: 100 });
    const res = await response;
    expect(await res.json()).toEqual({ status: 200 });
    expect(events).toEqual([]);
  });

  it("throws the network error once the attempts are spent", async () => {
    server.script({ reset: true }, { reset: true });
    const { response } = send("GET", "/api/products", { ...fast, maxAttempts: 2 });
    await expect(response).rejects.toThrow("fetch failed");
    expect(server.received).toHaveLength(2);
  });

  it("never retries once the caller aborted", async () => {
    server.script({ delayMs: 500, status: 200 }, { status: 200 });
    const controller = new AbortController();
    const { response } = send("POST", "/api/orders", fast, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("caller gave up")), 100);
    await expect(response).rejects.toThrow("caller gave up");
    await new Promise((r) => setTimeout(r, 100));
    expect(server.received).toHaveLength(1);
  });

  it("sends once when retrying is off", async () => {
    server.script({ status: 503 });
    const fetch = createResilientFetch({ retry: false });
    expect(
      (await fetch(new Request(`${server.url}/api/orders`, { method: "POST", body: "{}" }))).status,
    ).toBe(503);
    expect(server.received).toHaveLength(1);
  });

  it("refuses settings that would never send", () => {
    expect(() => createResilientFetch({ retry: { maxAttempts: 0 } })).toThrow("retry.maxAttempts");
    expect(() => createResilientFetch({ retry: { attemptTimeoutMs: Number.NaN } })).toThrow(
      "retry.attemptTimeoutMs",
    );
  });
});
