import { freePort } from "@bazaar/testing";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Problem } from "./http/problem-schema.js";
import { keepAliveClient } from "./test-support/keep-alive.js";
import { CUSTOMER, startSystem, type TestSystem } from "./test-support/system.js";

let sys: TestSystem;
let customer: string;
let metricsPort: number;

beforeAll(async () => {
  metricsPort = await freePort();
  sys = await startSystem({
    gatewayEnv: {
      RATE_LIMIT_AUTH: "5",
      RATE_LIMIT_USER: "20",
      RATE_LIMIT_ANONYMOUS: "1000",
      // As the manifests and images run it: metrics on a port of their own, none on the public one.
      METRICS_PORT: String(metricsPort),
    },
  });
  customer = (await sys.login(CUSTOMER)).token;
});

afterAll(async () => {
  await sys?.dispose();
});

const problemOf = (body: unknown) => v.parse(Problem, body);

describe("request bodies", () => {
  const post = (body: string, headers: Record<string, string> = {}) =>
    sys.api.post("/api/orders", body, {
      token: customer,
      headers: { "content-type": "application/json", ...headers },
    });

  it("refuses malformed JSON with 400", async () => {
    const res = await post("{oops");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(problemOf(res.body)).toMatchObject({
      code: "BAD_REQUEST",
      detail: "Malformed JSON in request body",
    });
  });

  it("refuses a JSON body that is not an object with 400, also where every field is optional", async () => {
    for (const body of ["[]", "[{}]", '"reason"', "null", "7"]) {
      const res = await sys.api.post("/api/orders/ord-1/cancel", body, {
        token: customer,
        headers: { "content-type": "application/json" },
      });
      expect(res.status, body).toBe(400);
      expect(problemOf(res.body)).toMatchObject({ code: "BAD_REQUEST" });
      expect(JSON.stringify(res.body)).toContain("must be a JSON object");
    }
  });

  it("refuses a body that is not JSON with 415", async () => {
    const text = await post("items=1", { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    expect(problemOf(text.body).code).toBe("UNSUPPORTED_MEDIA_TYPE");
    const form = await post("a=1", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
  });

  it("refuses a body over the limit (64 KiB by default) with 413, with or without a length", async () => {
    const res = await post(JSON.stringify({ items: [], padding: "x".repeat(70 * 1024) }));
    expect(res.status).toBe(413);
    expect(problemOf(res.body).code).toBe("PAYLOAD_TOO_LARGE");
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 5) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const streamed = await fetch(`${sys.gateway.url}/api/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${customer}` },
      body,
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(problemOf(await streamed.json()).code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("answers a 413 with Connection: close, so the next request on a kept-alive socket does not fail", async () => {
    const padding = "x".repeat(16 * 1024);
    // Streamed without a length (the limit stops reading mid-body), then with one (refused unread).
    for (const body of [
      Array<Buffer>(20).fill(Buffer.from(padding)),
      JSON.stringify({ padding: padding.repeat(5) }),
    ]) {
      const client = keepAliveClient(sys.gateway.url);
      try {
        expect((await client.send("GET", "/api/products/MUG-001")).headers.connection).toBe("keep-alive");
        const refused = await client.send("POST", "/api/orders", {
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${customer}`,
            "idempotency-key": "edge-413",
          },
          body,
        });
        expect(refused.status).toBe(413);
        // Kept alive, the next request went into the socket the server drops ("socket hang up").
        for (let i = 0; i < 3; i++)
          expect((await client.send("GET", "/api/products/MUG-001")).status).toBe(200);
        // The rest of the body is left unread: the client is told to close, and opens a new socket.
        expect(refused.headers.connection).toBe("close");
        expect(client.socketsUsed()).toBe(2);
      } finally {
        client.close();
      }
    }
  });

  it("lists each invalid field's path, never its value", async () => {
    const res = await post(
      JSON.stringify({
        items: "lots-of-things",
        shippingAddress: { name: "A", line1: "B", city: "C", postalCode: "D", country: 4242 },
        paymentMethod: { token: "4111-SECRET" },
      }),
    );
    expect(res.status).toBe(400);
    const problem = problemOf(res.body);
    expect(problem.issues?.map((i) => i.path).sort()).toEqual([
      "items",
      "paymentMethod.token",
      "shippingAddress.country",
    ]);
    for (const value of ["lots-of-things", "4242", "4111-SECRET"]) expect(res.text).not.toContain(value);
  });
});

describe("rate limits", () => {
  it("limits /api/auth/* per client: RateLimit headers, then 429 with Retry-After", async () => {
    const attempt = () =>
      sys.api.post("/api/auth/login", { email: CUSTOMER.email, password: "wrong-password" });
    const first = await attempt();
    expect(first.status).toBe(401);
    expect(first.headers.get("ratelimit-policy")).toBe("5;w=60");
    expect(first.headers.get("ratelimit")).toMatch(/^limit=5, remaining=4, reset=\d+$/);
    for (let i = 0; i < 4; i++) expect((await attempt()).status).toBe(401);
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(problemOf(refused.body).code).toBe("RATE_LIMITED");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("ratelimit")).toMatch(/^limit=5, remaining=0, reset=\d+$/);
    // Other routes have their own bucket.
    expect((await sys.api.get("/api/products/MUG-001")).status).toBe(200);
  });

  it("limits each user on their own, whatever the route", async () => {
    const flooder = await sys.newCustomer("Flooder");
    const other = await sys.newCustomer("Bystander");
    for (let i = 0; i < 20; i++) {
      const res = await sys.api.get(i % 2 ? "/api/me" : "/api/products", { token: flooder.token });
      expect(res.status).toBe(200);
      expect(res.headers.get("ratelimit")).toMatch(new RegExp(`^limit=20, remaining=${19 - i}, `));
    }
    const refused = await sys.api.get("/api/me", { token: flooder.token });
    expect(refused.status).toBe(429);
    // 20 per minute is one token every 3 s.
    expect(refused.headers.get("retry-after")).toMatch(/^[1-3]$/);
    const bystander = await sys.api.get("/api/me", { token: other.token });
    expect(bystander.status).toBe(200);
    expect(bystander.headers.get("ratelimit")).toMatch(/^limit=20, remaining=19, /);
  });

  it("sets the headers on every response, errors included", async () => {
    for (const res of [
      await sys.api.get("/api/nowhere"),
      await sys.api.get("/api/me"),
      await sys.api.get("/openapi.json"),
    ]) {
      expect(res.headers.get("ratelimit-policy")).toBeTruthy();
      expect(res.headers.get("ratelimit")).toMatch(/^limit=\d+, remaining=\d+, reset=\d+$/);
    }
  });
});

describe("edge hygiene", () => {
  it("answers an unknown route with a 404 problem", async () => {
    const res = await sys.api.get("/api/nowhere");
    expect(res.status).toBe(404);
    expect(problemOf(res.body).code).toBe("NOT_FOUND");
  });

  it("allows the configured origins (the console) and no others", async () => {
    const preflight = (origin: string) =>
      fetch(`${sys.gateway.url}/api/orders`, {
        method: "OPTIONS",
        headers: {
          origin,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type",
        },
      });
    const allowed = await preflight("http://localhost:3100");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:3100");
    expect(allowed.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
    const denied = await preflight("https://evil.example");
    expect(denied.headers.get("access-control-allow-origin")).toBeNull();
    const simple = await sys.api.get("/api/products/MUG-001", {
      headers: { origin: "http://127.0.0.1:3000" },
    });
    expect(simple.headers.get("access-control-allow-origin")).toBe("http://127.0.0.1:3000");
    expect(simple.headers.get("access-control-expose-headers")).toContain("RateLimit");
  });

  it("sets secure headers with a strict CSP on the API", async () => {
    const res = await sys.api.get("/api/products/MUG-001");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("strict-transport-security")).toBeTruthy();
  });

  it("serves the kit's health, and its metrics only on the metrics port", async () => {
    expect((await sys.api.get("/health/live")).body).toMatchObject({ status: "pass", service: "gateway" });
    expect((await sys.api.get("/health/ready")).status).toBe(200);
    expect((await sys.api.get("/metrics")).status).toBe(404);
    const spec = (await sys.api.get<{ paths: Record<string, unknown> }>("/openapi.json")).body;
    expect(Object.keys(spec.paths)).not.toContain("/metrics");
    const metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain(
      'bazaar_http_requests_total{method="GET",route="/api/products/:sku"',
    );
  });
});
