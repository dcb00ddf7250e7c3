import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoClient, RateLimitedError } from "./demo-client.js";

// A stand-in gateway: a real HTTP server that answers 429 with the Retry-After each test gives it, the
// way the gateway's rate limiter does before a route runs.
let server: Server;
let url = "";
let requests = 0;
let keys: Array<string | undefined> = [];
let answers: Array<{ status: number; retryAfter?: string }> = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    keys.push(req.headers["idempotency-key"] as string | undefined);
    const answer = answers.shift() ?? { status: 200 };
    res.writeHead(answer.status, {
      "content-type": "application/json",
      ...(answer.retryAfter ? { "retry-after": answer.retryAfter } : {}),
    });
    res.end(answer.status === 429 ? '{"title":"Too Many Requests"}' : '{"accessToken":"t"}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(() => {
  server?.close();
});

describe("the demo's client after a 429", () => {
  it("waits as long as Retry-After says and sends the request again, saying so", async () => {
    answers = [{ status: 429, retryAfter: "1" }];
    requests = 0;
    keys = [];
    const lines: string[] = [];
    const client = createDemoClient({ baseUrl: url, log: (line) => lines.push(line) });
    const started = Date.now();
    const res = await client.login({ email: "a@b.c", password: "x" });
    expect(res.response.status).toBe(200);
    expect(res.data).toEqual({ accessToken: "t" });
    expect(requests).toBe(2);
    // The second attempt is the same operation: the same Idempotency-Key.
    expect(keys[0]).toBeTypeOf("string");
    expect(keys[1]).toBe(keys[0]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(lines).toEqual([
      "  … POST /api/auth/login was rate-limited by the gateway (HTTP 429 Too Many Requests); waiting 1 s as its Retry-After says",
    ]);
  });

  it("stops with a message that names the 429 when the wait is longer than it will wait", async () => {
    answers = [{ status: 429, retryAfter: "300" }];
    requests = 0;
    const client = createDemoClient({ baseUrl: url, log: () => undefined });
    const error = await client.login({ email: "a@b.c", password: "x" }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(String(error)).toContain("HTTP 429 Too Many Requests");
    expect(String(error)).toContain("wait 300 s");
    expect(String(error)).toContain("RATE_LIMIT_AUTH");
    expect(requests).toBe(1);
  });

  it("reads a Retry-After date too", async () => {
    answers = [{ status: 429, retryAfter: new Date(Date.now() + 300_000).toUTCString() }];
    requests = 0;
    const client = createDemoClient({ baseUrl: url, maxWaitSeconds: 10, log: () => undefined });
    const error = await client.GET("/api/products").then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(String(error)).toMatch(/GET \/api\/products was rate-limited .*; it asks to wait (299|300) s/);
    expect(requests).toBe(1);
  });
});
