import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleApp } from "./console-server.js";

/** The page's module (plain JavaScript, served as is), as the browser loads it. */
interface RetryAfterModule {
  retryAfterSeconds(value: string | null, now?: number): number;
  rateLimitGate(options?: { maxWaitMs?: number }): { send(send: () => Promise<Response>): Promise<Response> };
}
const page = (await import(new URL("../public/retry-after.js", import.meta.url).href)) as RetryAfterModule;

// A stand-in gateway: a real HTTP server that answers 429 with the Retry-After each test gives it.
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
    res.end(answer.status === 429 ? '{"title":"Too Many Requests"}' : '{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/api/admin/sagas`;
});
afterAll(() => {
  server?.close();
});

describe("the console after a 429", () => {
  it("reads Retry-After as seconds or as a date", () => {
    expect(page.retryAfterSeconds("7")).toBe(7);
    expect(page.retryAfterSeconds(new Date(Date.now() + 3000).toUTCString())).toBeGreaterThanOrEqual(2);
    expect(page.retryAfterSeconds(null)).toBe(1);
    expect(page.retryAfterSeconds("soon")).toBe(1);
  });

  it("waits as long as Retry-After says, then sends the request again", async () => {
    answers = [{ status: 429, retryAfter: "1" }];
    requests = 0;
    const gate = page.rateLimitGate({ maxWaitMs: 5000 });
    const started = Date.now();
    const res = await gate.send(() => fetch(url));
    expect(res.status).toBe(200);
    expect(requests).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("says plainly that it is rate-limited when the wait is long, and sends nothing before the time named", async () => {
    answers = [{ status: 429, retryAfter: "30" }];
    requests = 0;
    const gate = page.rateLimitGate({ maxWaitMs: 5000 });
    await expect(gate.send(() => fetch(url))).rejects.toThrow(
      "Rate-limited by the gateway (HTTP 429 Too Many Requests): try again in 30 s",
    );
    await expect(gate.send(() => fetch(url))).rejects.toThrow(
      /HTTP 429 Too Many Requests.*try again in (29|30) s/,
    );
    expect(requests).toBe(1);
  });

  it("is served to the page next to api.js, which every call goes through", async () => {
    const app = createConsoleApp({ gatewayUrl: "http://127.0.0.1:1" });
    const module = await app.request("/retry-after.js");
    expect(module.status).toBe(200);
    expect(module.headers.get("content-type")).toContain("text/javascript");
    const apiJs = await (await app.request("/api.js")).text();
    expect(apiJs).toContain('import { rateLimitGate } from "./retry-after.js"');
    expect(apiJs).toMatch(/await rateLimit\.send\(\(\) =>\s+fetch\(path/);
  });
});
