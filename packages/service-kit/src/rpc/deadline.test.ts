import { defineRpc } from "@bazaar/contracts";
import { startTestNats, type TestNats } from "@bazaar/testing";
import type { NatsConnection } from "@nats-io/transport-node";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../logging/logger.js";
import { createMetrics } from "../metrics/metrics.js";
import { connectNats } from "../nats/connect.js";
import { H, makeHeaders } from "../nats/headers.js";
import { InFlight } from "./in-flight.js";
import { createRpcClient, type RpcClient } from "./rpc-client.js";
import { type RpcServer, startRpcServer } from "./rpc-server.js";

// The deadline a callee enforces is the caller's remaining budget added to the callee's own clock. These
// tests run the callee with a clock 10 s ahead of the caller's (injected into the server only; the
// process's timers and Date are untouched).

const SKEW_MS = 10_000;

const ping = defineRpc({
  service: "clock-lab",
  name: "ping",
  description: "Answers with the callee's clock",
  request: v.object({}),
  response: v.object({ now: v.number() }),
});
const count = defineRpc({
  service: "clock-lab",
  name: "count",
  description: "Streams three numbers",
  streaming: true,
  request: v.object({}),
  response: v.object({ n: v.number() }),
});

const log = createLogger({ service: "clock-lab", instance: "t", level: "silent" });
const aheadClock = (): number => Date.now() + SKEW_MS;

let nats: TestNats;
let serverNc: NatsConnection;
let callerNc: NatsConnection;
let server: RpcServer;
let client: RpcClient;

beforeAll(async () => {
  nats = await startTestNats();
  serverNc = (await connectNats({ servers: nats.url, name: "clock-lab", log })).nc;
  callerNc = (await connectNats({ servers: nats.url, name: "caller", log })).nc;
  server = await startRpcServer({
    nc: serverNc,
    name: "clock-lab",
    version: "1.0.0",
    description: "a callee whose clock is ahead",
    metadata: {},
    endpoints: [
      { contract: ping, handler: () => ({ now: aheadClock() }) },
      { contract: count, handler: () => [{ n: 1 }, { n: 2 }, { n: 3 }] },
    ],
    log,
    metrics: createMetrics({ service: "clock-lab", instance: "t", processMetrics: false }),
    validateResponses: true,
    inFlight: new InFlight(),
    makeContext: () => ({}),
    clock: aheadClock,
  });
  client = createRpcClient({ nc: callerNc, caller: "caller" });
});

afterAll(async () => {
  await server?.stop();
  await callerNc?.close();
  await serverNc?.close();
  await nats?.dispose();
});

/** `sendWith` sends a ping with exactly these headers and returns the error code of the reply, or "OK". */
async function sendWith(values: Record<string, string>): Promise<string> {
  const reply = await callerNc.request(ping.subject, new TextEncoder().encode("{}"), {
    timeout: 2000,
    headers: makeHeaders(values),
  });
  return reply.headers?.get(H.errorCode) || "OK";
}

describe("RPC deadlines across clocks", () => {
  it("serves a call from a caller whose clock is 10 s behind the callee's", async () => {
    const reply = await client.call(ping, {}, { timeoutMs: 2000 });
    expect(reply.now - Date.now()).toBeGreaterThan(SKEW_MS - 1000);
  });

  it("serves a streaming call across the same skew", async () => {
    const items: number[] = [];
    for await (const chunk of client.stream(count, {}, { timeoutMs: 2000 }))
      items.push(...chunk.map((i) => i.n));
    expect(items).toEqual([1, 2, 3]);
  });

  it("sends the remaining budget, not a point in time", async () => {
    const seen = new Promise<string | undefined>((resolve) => {
      const sub = callerNc.subscribe("rpc.clock-lab.spy", {
        max: 1,
        callback: (_err, msg) => {
          resolve(msg.headers?.get(H.timeoutMs));
          msg.respond(new TextEncoder().encode(JSON.stringify({ now: 0 })));
          sub.unsubscribe();
        },
      });
    });
    await callerNc.flush();
    await client.call({ ...ping, subject: "rpc.clock-lab.spy" }, {}, { timeoutMs: 1234 });
    expect(await seen).toBe("1234");
  });

  it("still refuses a call whose budget is exhausted", async () => {
    expect(await sendWith({ [H.timeoutMs]: "0" })).toBe("TIMEOUT");
    expect(await sendWith({ [H.timeoutMs]: "-250" })).toBe("TIMEOUT");
    expect(await sendWith({ [H.timeoutMs]: "5000" })).toBe("OK");
  });

  it("ignores the absolute deadline of older callers instead of comparing their clock with its own", async () => {
    // An older caller 10 s behind sends "now + 5 s" on its clock: 5 s in the past on the callee's.
    expect(await sendWith({ "Bazaar-Deadline": String(Date.now() + 5000) })).toBe("OK");
  });
});
