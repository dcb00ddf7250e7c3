import { freePort, runNatsCli, startTestNats, type TestNats } from "@bazaar/testing";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigError } from "../config/load-config.js";
import { labService, notFound, slow, whoami } from "../fixtures/lab-service.js";
import { spawnTs } from "../fixtures/spawn.js";
import { createRpcClient, type RpcClient } from "../rpc/rpc-client.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { HEALTH_SUBJECT } from "./health-wiring.js";
import { startService } from "./start-service.js";

let nats: TestNats;
let lab: TestService;
let nc: NatsConnection;
let client: RpcClient;

beforeAll(async () => {
  nats = await startTestNats();
  lab = await startTestService(labService, { natsUrl: nats.url });
  nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  client = createRpcClient({ nc, caller: "test" });
});

afterAll(async () => {
  await nc?.close();
  await lab?.stop();
  await nats?.dispose();
});

describe("NATS services API", () => {
  it("shows the service, its endpoints and stats in the real nats CLI", async () => {
    await client.call(slow, { ms: 30 });
    await client.call(notFound, {}).catch(() => undefined);

    const ls = await runNatsCli(["micro", "ls", "--json"], { url: nats.url });
    expect(ls.code, ls.stderr).toBe(0);
    expect(JSON.parse(ls.stdout)).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "lab", version: "0.1.0" })]),
    );

    const info = await runNatsCli(["micro", "info", "lab", "--json"], { url: nats.url });
    expect(info.code, info.stderr).toBe(0);
    const endpoints = (
      JSON.parse(info.stdout) as { info: { endpoints: Array<{ name: string; subject: string }> } }
    ).info.endpoints;
    expect(endpoints).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "slow", subject: "rpc.lab.slow" })]),
    );

    const stats = await runNatsCli(["micro", "stats", "lab", "--json"], { url: nats.url });
    expect(stats.code, stats.stderr).toBe(0);
    const all = JSON.parse(stats.stdout) as Array<{
      endpoints: Array<{ name: string; num_requests: number; num_errors: number; processing_time: number }>;
    }>;
    const byName = Object.fromEntries((all[0]?.endpoints ?? []).map((e) => [e.name, e]));
    expect(byName.slow?.num_requests).toBe(1);
    // Async handlers are timed to completion (the kit patches @nats-io/services to do this).
    expect(byName.slow?.processing_time).toBeGreaterThanOrEqual(30_000_000);
    expect(byName.notFound?.num_errors).toBe(1);
  });
});

describe("health", () => {
  it("answers readiness over NATS for tools", async () => {
    const reply = await nc.request(`${HEALTH_SUBJECT}.lab`, undefined, { timeout: 2000 });
    expect(JSON.parse(new TextDecoder().decode(reply.data))).toMatchObject({
      status: "pass",
      service: "lab",
      checks: { nats: [{ status: "pass" }] },
    });
  });

  it("exposes Prometheus metrics with RPC counters and process metrics", async () => {
    await client.call(whoami, {});
    const text = await (await fetch(`${lab.url}/metrics`)).text();
    expect(text).toMatch(/bazaar_rpc_requests_total\{.*endpoint="whoami".*code="OK".*\} [1-9]/);
    expect(text).toContain("bazaar_rpc_request_duration_seconds_bucket");
    expect(text).toContain("bazaar_process_cpu_seconds_total");
  });

  it("serves /metrics on a port of its own with METRICS_PORT, and then not on the service's port", async () => {
    const metricsPort = await freePort();
    const own = await startTestService(labService, {
      natsUrl: nats.url,
      env: { METRICS_PORT: String(metricsPort), INSTANCE_ID: "lab-metrics-port" },
    });
    try {
      expect((await fetch(`${own.url}/metrics`)).status).toBe(404);
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      expect(text).toContain("bazaar_process_cpu_seconds_total");
      expect((await fetch(`${own.url}/health/live`)).status).toBe(200);
    } finally {
      await own.stop();
    }
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });

  it("turns /health/ready 503 while NATS is down and 200 after it returns; /health/live stays 200", async () => {
    const ready = async (): Promise<number> => (await fetch(`${lab.url}/health/ready`)).status;
    const live = async (): Promise<number> => (await fetch(`${lab.url}/health/live`)).status;
    expect(await ready()).toBe(200);
    const body = await (await fetch(`${lab.url}/health/ready`)).json();
    expect(body).toMatchObject({
      status: "pass",
      checks: { nats: [{ status: "pass" }], jetstream: [{ status: "pass" }], process: [{ status: "pass" }] },
    });

    await nats.stop();
    await vi.waitFor(async () => expect(await ready()).toBe(503), { timeout: 10_000, interval: 100 });
    const down = (await (await fetch(`${lab.url}/health/ready`)).json()) as { checks: { nats: unknown[] } };
    expect(down.checks.nats[0]).toMatchObject({ status: "fail", output: "disconnected" });
    expect(await live()).toBe(200);

    await nats.restart();
    await vi.waitFor(async () => expect(await ready()).toBe(200), { timeout: 15_000, interval: 100 });
    expect(await live()).toBe(200);
    // The test's own client reconnects on its own schedule (the service's readiness says nothing of it).
    const answer = await vi.waitFor(() => client.call(whoami, {}, { timeoutMs: 1000 }), {
      timeout: 15_000,
      interval: 200,
    });
    expect(answer).toEqual({ instance: lab.instance });
  });
});

describe("start-up and shutdown", () => {
  it("refuses to start on a bad environment variable, naming it", async () => {
    const err = await startService(labService, { env: { PORT: "eighty", NATS_URL: nats.url } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variables).toEqual(["PORT"]);
    expect((err as Error).message).toContain("PORT: must be an integer between 0 and 65535");
  });

  it("exits non-zero with the variable's name when started as a process with a bad value", async () => {
    const proc = spawnTs("src/fixtures/lab-main.ts", { NATS_URL: nats.url, SHUTDOWN_TIMEOUT_MS: "soon" });
    const { code } = await proc.exited;
    expect(code).toBe(1);
    expect(proc.output()).toContain("SHUTDOWN_TIMEOUT_MS: must be an integer");
  });

  it("lets a slow request finish on SIGTERM, then exits 0", async () => {
    // A broker of its own, so the child process is the only instance that can take the request.
    await using own = await startTestNats();
    const ownNc = await connect({ servers: own.url });
    const ownClient = createRpcClient({ nc: ownNc, caller: "test" });
    const proc = spawnTs("src/fixtures/lab-main.ts", {
      NATS_URL: own.url,
      PORT: "0",
      DATA_DIR: lab.dataDir,
      LOG_LEVEL: "info",
    });
    await proc.started;
    const pending = ownClient.call(slow, { ms: 1500 }, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    proc.child.kill("SIGTERM");
    await expect(pending).resolves.toEqual({ sleptMs: 1500 });
    const { code } = await proc.exited;
    expect(code).toBe(0);
    const log = proc.output();
    expect(log.indexOf("shutting down")).toBeGreaterThan(-1);
    expect(log.indexOf("shutting down")).toBeLessThan(log.indexOf('"stopped"'));
    // New requests are refused once it is gone.
    await expect(ownClient.call(whoami, {})).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await ownNc.close();
  });
});
