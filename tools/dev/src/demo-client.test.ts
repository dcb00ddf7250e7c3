import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DemoClient, RateLimitedError, retryAfterSeconds } from "./demo-client.js";

// A stand-in gateway: a real HTTP server that answers 429 with the Retry-After each test gives it, the
// way the gateway's rate limiter does before a route runs.
let server: Server;
let url = "";
let requests = 0;
let answers: Array<{ status: number; retryAfter?: string }> = [];
beforeAll(async () => {
  server = createServer((_req, res) => {
    requests++;
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
  it("reads Retry-After as seconds or as a date", () => {
    expect(retryAfterSeconds("12")).toBe(12);
    expect(retryAfterSeconds(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThanOrEqual(4);
    expect(retryAfterSeconds(null)).toBe(1);
  });

  it("waits as long as Retry-After says and sends the request again, saying so", async () => {
    answers = [{ status: 429, retryAfter: "1" }];
    requests = 0;
    const lines: string[] = [];
    const client = new DemoClient(url, 60, (line) => lines.push(line));
    const started = Date.now();
    const res = await client.post("/api/auth/login", { email: "a@b.c", password: "x" });
    expect(res).toEqual({ status: 200, body: { accessToken: "t" } });
    expect(requests).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(lines).toEqual([
      "  … POST /api/auth/login was rate-limited by the gateway (HTTP 429 Too Many Requests); waiting 1 s as its Retry-After says",
    ]);
  });

  it("stops with a message that names the 429 when the wait is longer than it will wait", async () => {
    answers = [{ status: 429, retryAfter: "300" }];
    requests = 0;
    const client = new DemoClient(url, 60, () => undefined);
    const error = await client.post("/api/auth/login", {}).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(String(error)).toContain("HTTP 429 Too Many Requests");
    expect(String(error)).toContain("wait 300 s");
    expect(String(error)).toContain("RATE_LIMIT_AUTH");
    expect(requests).toBe(1);
  });
});
