import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sleep } from "../events/backoff.js";
import { labService, slow, whoami } from "../fixtures/lab-service.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { localRpcRegistry } from "./local-registry.js";
import { counterValue, proberService, sniff } from "./local-test-support.js";

let nats: TestNats;
let other: TestNats;
const started: TestService[] = [];
const start = async (...args: Parameters<typeof startTestService>): Promise<TestService> => {
  const svc = await startTestService(...args);
  started.push(svc);
  return svc;
};

beforeAll(async () => {
  [nats, other] = await Promise.all([startTestNats(), startTestNats()]);
});

afterAll(async () => {
  await Promise.all(started.map((s) => s.stop()));
  await Promise.all([nats?.dispose(), other?.dispose()]);
});

describe("in-process dispatch and a service's life", () => {
  it("does not register a callee that disables it: the call goes over NATS", async () => {
    const lab = await start(labService, { natsUrl: nats.url, env: { RPC_LOCAL_DISPATCH: "false" } });
    const prober = await start(proberService, { natsUrl: nats.url });
    const sniffer = await sniff(nats.url, [whoami]);
    expect(await prober.runtime.call(whoami, {})).toEqual({ instance: lab.instance });
    expect(await sniffer.seen(whoami.subject)).toBe(1);
    await sniffer.close();
    expect(await counterValue(prober, "bazaar_rpc_local_calls_total", { subject: whoami.subject })).toBe(0);
    await lab.stop();
    await prober.stop();
  });

  it("never serves a caller on another broker in-process", async () => {
    const lab = await start(labService, { natsUrl: nats.url });
    const prober = await start(proberService, { natsUrl: other.url });
    // No lab on the other broker: the call must fail there, not reach this process's lab.
    await expect(prober.runtime.call(whoami, {}, { timeoutMs: 500 })).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    expect(await counterValue(lab, "bazaar_rpc_requests_total", { endpoint: "whoami" })).toBe(0);
    await prober.stop();
    await lab.stop();
  });

  it("drains: stopping waits for an in-flight local call, then callers get UNAVAILABLE as from NATS", async () => {
    const lab = await start(labService, { natsUrl: nats.url });
    const prober = await start(proberService, { natsUrl: nats.url });
    const serverId = prober.runtime.nats.nc.info?.server_id;
    expect(localRpcRegistry().find(whoami.subject, serverId)).toBeDefined();
    // Only the slow subject: a subscriber on whoami would be a responder and turn UNAVAILABLE into TIMEOUT.
    const sniffer = await sniff(nats.url, [slow]);

    let callDoneAt = 0;
    const call = prober.runtime.call(slow, { ms: 600 }).then((reply) => {
      callDoneAt = performance.now();
      return reply;
    });
    await sleep(100);
    let stopDoneAt = 0;
    const stopping = lab.stop().then(() => {
      stopDoneAt = performance.now();
    });
    await sleep(150);
    // Left the registry before the broker: a new call goes over NATS and finds no instance.
    expect(localRpcRegistry().find(whoami.subject, serverId)).toBeUndefined();
    await expect(prober.runtime.call(whoami, {})).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(stopDoneAt).toBe(0);

    expect(await call).toEqual({ sleptMs: 600 });
    await stopping;
    expect(stopDoneAt).toBeGreaterThanOrEqual(callDoneAt);
    expect(await sniffer.seen(slow.subject)).toBe(0);
    await sniffer.close();
    expect(
      await counterValue(prober, "bazaar_rpc_local_calls_total", { subject: slow.subject, code: "OK" }),
    ).toBe(1);
    await prober.stop();
  });
});
