import { startTestNats, type TestNats } from "@bazaar/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AppError,
  BadRequestError,
  InternalError,
  NotFoundError,
  TimeoutError,
  UnavailableError,
  UndeclaredDependencyError,
} from "../errors/app-error.js";
import { greet, service as greeter, listGreeted } from "../example/greeter.js";
import {
  asyncBoom,
  badResponse,
  callGreeter,
  callUndeclared,
  labService,
  notFound,
  slow,
  syncBoom,
  traceInfo,
  whoami,
} from "../fixtures/lab-service.js";
import { createLogger } from "../logging/logger.js";
import { connectNats } from "../nats/connect.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { formatTraceparent, newTrace, runInScope } from "../tracing/trace-context.js";
import { createRpcClient, type RpcClient } from "./rpc-client.js";

let nats: TestNats;
let greeterSvc: TestService;
let labA: TestService;
let labB: TestService;
let nc: NatsConnection;
let client: RpcClient;

beforeAll(async () => {
  nats = await startTestNats();
  greeterSvc = await startTestService(greeter, { natsUrl: nats.url });
  labA = await startTestService(labService, { natsUrl: nats.url });
  labB = await startTestService(labService, { natsUrl: nats.url });
  nc = (
    await connectNats({
      servers: nats.url,
      name: "test",
      log: createLogger({ service: "test", instance: "t", level: "silent" }),
    })
  ).nc;
  client = createRpcClient({ nc, caller: "test" });
});

afterAll(async () => {
  await nc?.close();
  await Promise.all([greeterSvc?.stop(), labA?.stop(), labB?.stop()]);
  await nats?.dispose();
});

describe("typed calls", () => {
  it("round-trips a typed call", async () => {
    const reply = await client.call(greet, { name: "Ada" });
    expect(reply).toEqual({ greeting: "Hello, Ada!", times: 1 });
    expect((await client.call(greet, { name: "Ada" })).times).toBe(2);
  });

  it("runs a command once per idempotency key: a retry returns the first response", async () => {
    const first = await client.call(greet, { name: "Grace" }, { idempotencyKey: "greet-grace-1" });
    const retry = await client.call(greet, { name: "Grace" }, { idempotencyKey: "greet-grace-1" });
    expect(retry).toEqual(first);
    expect(await client.call(greet, { name: "Grace" })).toMatchObject({ times: first.times + 1 });
    await expect(
      client.call(greet, { name: "Linus" }, { idempotencyKey: "greet-grace-1" }),
    ).rejects.toMatchObject({ code: "UNPROCESSABLE", reason: "IDEMPOTENCY_KEY_REUSED" });
  });

  it("answers invalid input with BAD_REQUEST, field paths and no echo of the input", async () => {
    const secret = "x".repeat(60);
    const err = await sendRaw(greet.subject, { name: secret, extra: 1 });
    expect(err).toMatchObject({
      code: "BAD_REQUEST",
      issues: [{ path: "name", message: expect.stringContaining("") }],
    });
    expect(JSON.stringify(err)).not.toContain(secret);
    const empty = await sendRaw(greet.subject, { name: "" });
    expect(empty).toMatchObject({
      code: "BAD_REQUEST",
      issues: [{ path: "name", message: "must not be empty" }],
    });
    const notJson = await sendRawBytes(greet.subject, new TextEncoder().encode("{nope"));
    expect(notJson).toMatchObject({ code: "BAD_REQUEST", message: "request body is not valid JSON" });
  });

  it("validates input on the client before sending", async () => {
    await expect(client.call(greet, { name: "" })).rejects.toBeInstanceOf(BadRequestError);
  });

  it("turns an async throw into INTERNAL without leaking it, and the service lives on", async () => {
    const err = await client.call(asyncBoom, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalError);
    expect((err as AppError).remote).toBe(true);
    expect((err as Error).message).toMatch(/^internal error \(trace [0-9a-f]{32}\)$/);
    expect((err as Error).message).not.toContain("hunter2");
    const sync = await client.call(syncBoom, {}).catch((e: unknown) => e);
    expect(sync).toBeInstanceOf(InternalError);
    expect((sync as Error).message).not.toContain("secret");
    expect(await client.call(whoami, {})).toHaveProperty("instance");
  });

  it("keeps typed business errors", async () => {
    const err = await client.call(notFound, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({ code: "NOT_FOUND", message: "no such thing", remote: true });
  });

  it("refuses a response that breaks its contract (outside production)", async () => {
    const err = await client.call(badResponse, {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "INTERNAL" });
  });

  it("maps no responders to UNAVAILABLE and no answer in time to TIMEOUT", async () => {
    const nobody = { ...whoami, subject: "rpc.nobody.home", service: "nobody" };
    await expect(client.call(nobody, {})).rejects.toBeInstanceOf(UnavailableError);
    const started = Date.now();
    const err = await client.call(slow, { ms: 1500 }, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1400);
  });

  it("stops waiting when the caller aborts", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(client.call(slow, { ms: 1000 }, { signal: controller.signal })).rejects.toBeInstanceOf(
      TimeoutError,
    );
  });

  it("shares the load between two instances through the queue group", async () => {
    const served = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      const { instance } = await client.call(whoami, {});
      served.set(instance, (served.get(instance) ?? 0) + 1);
    }
    expect([...served.keys()].sort()).toEqual([labA.instance, labB.instance].sort());
    for (const count of served.values()) expect(count).toBeGreaterThan(5);
  });

  it("refuses a call the service did not declare", async () => {
    const err = await client.call(callUndeclared, {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "INTERNAL" });
    await expect(labA.runtime.call(whoami as never, {} as never)).rejects.toBeInstanceOf(
      UndeclaredDependencyError,
    );
    await expect(labA.runtime.call(greet, { name: "declared" })).resolves.toMatchObject({
      greeting: "Hello, declared!",
    });
  });
});

describe("trace context", () => {
  it("continues the caller's trace into the handler and onwards into its own calls", async () => {
    const trace = newTrace();
    const reply = await runInScope({ trace, requestId: "req-123" }, () => client.call(traceInfo, {}));
    expect(reply).toEqual({ traceId: trace.traceId, requestId: "req-123" });
    const nested = await runInScope({ trace }, () => client.call(callGreeter, { name: "Bob" }));
    expect(nested).toEqual({ greeting: "Hello, Bob!", traceId: trace.traceId });
    expect(formatTraceparent(trace)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });
});

describe("streaming calls", () => {
  it("streams a large list in chunks with credit-based backpressure", async () => {
    for (let i = 0; i < 450; i++) await client.call(greet, { name: `p${String(i).padStart(4, "0")}` });
    const names: string[] = [];
    let chunks = 0;
    for await (const chunk of client.stream(listGreeted, {}, { window: 2 })) {
      chunks++;
      names.push(...chunk.map((p) => p.name));
    }
    expect(chunks).toBeGreaterThanOrEqual(3);
    expect(names.filter((n) => n.startsWith("p"))).toHaveLength(450);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([...names].sort());
  });

  it("lets the caller stop early, and the server stops sending", async () => {
    for (let i = 0; i < 450; i++) await client.call(greet, { name: `q${String(i).padStart(4, "0")}` });
    let seen = 0;
    for await (const chunk of client.stream(listGreeted, {}, { window: 1 })) {
      seen += chunk.length;
      break;
    }
    expect(seen).toBe(200);
    // The service still serves normally afterwards.
    expect(await client.call(greet, { name: "after" })).toMatchObject({ times: 1 });
  });
});

async function sendRaw(subject: string, body: unknown): Promise<unknown> {
  return sendRawBytes(subject, new TextEncoder().encode(JSON.stringify(body)));
}

async function sendRawBytes(subject: string, data: Uint8Array): Promise<unknown> {
  const reply = await nc.request(subject, data, { timeout: 2000 });
  expect(reply.headers?.get("Bazaar-Error-Code")).toBeTruthy();
  return JSON.parse(new TextDecoder().decode(reply.data));
}
