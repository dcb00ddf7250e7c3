import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError, BadRequestError, UndeclaredDependencyError } from "../errors/app-error.js";
import { greet, service as greeter } from "../example/greeter.js";
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
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { newTrace, runInScope } from "../tracing/trace-context.js";
import { counterValue, proberService, type Sniffer, sniff } from "./local-test-support.js";

// One process, one broker: the lab and the greeter serve, `local` calls them in-process and `remote`
// (RPC_LOCAL_DISPATCH=false) calls the same instances over NATS, so each outcome can be compared.
let nats: TestNats;
let lab: TestService;
let greeterSvc: TestService;
let local: TestService;
let remote: TestService;
let sniffer: Sniffer;
const contracts = [whoami, asyncBoom, syncBoom, notFound, slow, badResponse, callGreeter, traceInfo, greet];

beforeAll(async () => {
  nats = await startTestNats();
  sniffer = await sniff(nats.url, contracts);
  lab = await startTestService(labService, { natsUrl: nats.url });
  greeterSvc = await startTestService(greeter, { natsUrl: nats.url });
  local = await startTestService(proberService, { natsUrl: nats.url });
  remote = await startTestService(proberService, {
    natsUrl: nats.url,
    env: { RPC_LOCAL_DISPATCH: "false" },
  });
});

afterAll(async () => {
  await sniffer?.close();
  await Promise.all([local?.stop(), remote?.stop(), lab?.stop(), greeterSvc?.stop()]);
  await nats?.dispose();
});

const failure = (p: Promise<unknown>): Promise<AppError> =>
  p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (err: unknown) => {
      if (!(err instanceof AppError)) throw err;
      return err;
    },
  );

/** What a caller can observe of an error, with the trace id an INTERNAL message carries masked. */
const observable = (err: AppError) => ({
  type: err.constructor.name,
  code: err.code,
  status: err.status,
  reason: err.reason,
  remote: err.remote,
  message: err.message.replace(/[0-9a-f]{32}/, "<trace>"),
  body: { ...err.toBody(), message: undefined, traceId: undefined },
});

describe("in-process dispatch", () => {
  it("calls a service of the same process without the broker, and says so in the metrics", async () => {
    const before = await sniffer.seen(whoami.subject);
    expect(await local.runtime.call(whoami, {})).toEqual({ instance: lab.instance });
    expect(await sniffer.seen(whoami.subject)).toBe(before);
    expect(
      await counterValue(local, "bazaar_rpc_local_calls_total", { subject: whoami.subject, code: "OK" }),
    ).toBe(1);
    expect(await counterValue(local, "bazaar_rpc_calls_total", { subject: whoami.subject, code: "OK" })).toBe(
      1,
    );
    expect(
      await counterValue(lab, "bazaar_rpc_local_requests_total", { endpoint: "whoami", code: "OK" }),
    ).toBe(1);
    expect(await counterValue(lab, "bazaar_rpc_requests_total", { endpoint: "whoami", code: "OK" })).toBe(1);
  });

  it("goes over NATS when the caller disables it, and the sniffer sees that call", async () => {
    const before = await sniffer.seen(whoami.subject);
    expect(await remote.runtime.call(whoami, {})).toEqual({ instance: lab.instance });
    expect(await sniffer.seen(whoami.subject)).toBe(before + 1);
    expect(await counterValue(remote, "bazaar_rpc_local_calls_total", { subject: whoami.subject })).toBe(0);
    expect(
      await counterValue(remote, "bazaar_rpc_calls_total", { subject: whoami.subject, code: "OK" }),
    ).toBe(1);
  });

  it("answers every error kind exactly as over NATS", async () => {
    for (const [contract, input] of [
      [notFound, {}],
      [asyncBoom, {}],
      [syncBoom, {}],
      [badResponse, {}],
    ] as const) {
      const viaNats = await failure(remote.runtime.call(contract, input));
      const before = await sniffer.seen(contract.subject);
      const inProcess = await failure(local.runtime.call(contract, input));
      expect(await sniffer.seen(contract.subject)).toBe(before);
      expect(observable(inProcess)).toEqual(observable(viaNats));
      expect(
        await counterValue(local, "bazaar_rpc_local_calls_total", {
          subject: contract.subject,
          code: inProcess.code,
        }),
      ).toBe(1);
    }
    const internal = await failure(local.runtime.call(asyncBoom, {}));
    expect(internal.message).toMatch(/^internal error \(trace [0-9a-f]{32}\)$/);
    expect(JSON.stringify(internal.toBody())).not.toContain("hunter2");
    expect((await failure(local.runtime.call(notFound, {}))).code).toBe("NOT_FOUND");
    // The request is checked before any transport: an invalid input never reaches the handler.
    await expect(local.runtime.call(greet, { name: "" })).rejects.toBeInstanceOf(BadRequestError);
  });

  it("bounds a local call by the caller's timeout and signal, as over NATS", async () => {
    const viaNats = await failure(remote.runtime.call(slow, { ms: 400 }, { timeoutMs: 60 }));
    const started = performance.now();
    const inProcess = await failure(local.runtime.call(slow, { ms: 400 }, { timeoutMs: 60 }));
    expect(performance.now() - started).toBeLessThan(300);
    expect(observable(inProcess)).toEqual({ ...observable(viaNats), remote: inProcess.remote });
    expect(inProcess).toMatchObject({
      code: "TIMEOUT",
      message: `${slow.subject} did not answer within 60 ms`,
    });
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 30);
    await expect(local.runtime.call(slow, { ms: 400 }, { signal: abort.signal })).rejects.toMatchObject({
      code: "TIMEOUT",
      message: `call to ${slow.subject} aborted`,
    });
    // The callee is told the budget: a budget already spent is refused before the handler runs.
    await expect(local.runtime.call(slow, { ms: 1 }, { timeoutMs: 0 })).rejects.toMatchObject({
      code: "TIMEOUT",
    });
    expect(
      await counterValue(local, "bazaar_rpc_local_calls_total", { subject: slow.subject, code: "TIMEOUT" }),
    ).toBe(3);
  });

  it("replays an idempotent command from the server's table, whichever transport asks", async () => {
    const before = await sniffer.seen(greet.subject);
    const first = await local.runtime.call(greet, { name: "Lin" }, { idempotencyKey: "local-lin-1" });
    expect(await local.runtime.call(greet, { name: "Lin" }, { idempotencyKey: "local-lin-1" })).toEqual(
      first,
    );
    expect(await sniffer.seen(greet.subject)).toBe(before);
    expect(await remote.runtime.call(greet, { name: "Lin" }, { idempotencyKey: "local-lin-1" })).toEqual(
      first,
    );
    await expect(
      local.runtime.call(greet, { name: "Other" }, { idempotencyKey: "local-lin-1" }),
    ).rejects.toMatchObject({ code: "UNPROCESSABLE", reason: "IDEMPOTENCY_KEY_REUSED" });
    expect(await local.runtime.call(greet, { name: "Lin" })).toMatchObject({ times: first.times + 1 });
  });

  it("carries the trace, the request id and nested calls across services in-process", async () => {
    const trace = newTrace();
    const reply = await runInScope({ trace, requestId: "req-local-1" }, () =>
      local.runtime.call(traceInfo, {}),
    );
    expect(reply).toEqual({ traceId: trace.traceId, requestId: "req-local-1" });
    const nested = await runInScope({ trace }, () => local.runtime.call(callGreeter, { name: "Ann" }));
    expect(nested).toEqual({ greeting: "Hello, Ann!", traceId: trace.traceId });
    // The lab's own call to the greeter was in-process too.
    expect(
      await counterValue(lab, "bazaar_rpc_local_calls_total", { subject: greet.subject, code: "OK" }),
    ).toBe(1);
  });

  it("keeps the caller's guard: an undeclared contract is refused though it is served here", async () => {
    await expect(local.runtime.call(callUndeclared, {})).rejects.toBeInstanceOf(UndeclaredDependencyError);
    await expect(lab.runtime.call(whoami as never, {} as never)).rejects.toBeInstanceOf(
      UndeclaredDependencyError,
    );
    expect(await counterValue(lab, "bazaar_rpc_requests_total", { endpoint: "callUndeclared" })).toBe(0);
  });

  it("sends the input as JSON, so the callee sees what the wire would carry and nothing shared", async () => {
    // toJSON decides what is sent: the callee must read the encoded form, not the caller's object.
    const shaped = { name: "Kay", toJSON: () => ({ name: "Jay" }) };
    const before = await sniffer.seen(greet.subject);
    expect(await local.runtime.call(greet, shaped)).toMatchObject({ greeting: "Hello, Jay!" });
    expect(await sniffer.seen(greet.subject)).toBe(before);
    expect(await remote.runtime.call(greet, shaped)).toMatchObject({ greeting: "Hello, Jay!" });
    // A value JSON cannot carry fails before anything is sent, the same way on both transports.
    const notJson = { name: "Kay", extra: 1n } as unknown as { name: string };
    const inProcess = await failure(local.runtime.call(greet, notJson));
    expect(observable(inProcess)).toEqual(observable(await failure(remote.runtime.call(greet, notJson))));
  });
});
