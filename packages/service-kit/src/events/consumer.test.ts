import { randomUUID } from "node:crypto";
import { runNatsCli, startTestNats, type TestNats } from "@bazaar/testing";
import { jetstream } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  applied,
  balance,
  balanceService,
  controls,
  entryRecorded,
  ledgerService,
  recordEntry,
} from "../fixtures/ledger-services.js";
import { createRpcClient, type RpcClient } from "../rpc/rpc-client.js";
import { captureLogs, startTestService, type TestService } from "../testing/start-test-service.js";
import { formatTraceparent, newTrace, runInScope } from "../tracing/trace-context.js";
import { consumerName } from "./consumer.js";

let nats: TestNats;
let ledger: TestService;
let balanceSvc: TestService;
let nc: NatsConnection;
let client: RpcClient;
const logs = captureLogs();

const MAX_DELIVER = 4;

beforeAll(async () => {
  nats = await startTestNats();
  ledger = await startTestService(ledgerService, { natsUrl: nats.url });
  balanceSvc = await startTestService(balanceService, {
    natsUrl: nats.url,
    logs,
    env: {
      CONSUMER_BACKOFF_MS: "150",
      CONSUMER_BACKOFF_MAX_MS: "2000",
      CONSUMER_MAX_DELIVER: String(MAX_DELIVER),
    },
  });
  nc = await connect({ servers: nats.url });
  client = createRpcClient({ nc, caller: "test" });
});

afterAll(async () => {
  await nc?.close();
  await Promise.all([ledger?.stop(), balanceSvc?.stop()]);
  await nats?.dispose();
});

const isApplied = (entryId: string): boolean =>
  (balanceSvc.runtime.db.select({ n: count() }).from(applied).where(sql`entry_id = ${entryId}`).get()?.n ??
    0) === 1;
const totals = () => balanceSvc.runtime.db.select().from(balance).get() as { total: number; count: number };
const metric = async (name: string): Promise<number> => {
  const text = await (await fetch(`${balanceSvc.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name}{`));
  return line ? Number(line.split(" ").at(-1)) : 0;
};

describe("idempotent consumer", () => {
  it("applies an event published twice only once, and counts the duplicate", async () => {
    const js = jetstream(nc);
    const envelope = {
      id: randomUUID(),
      type: entryRecorded.type,
      version: 1,
      occurredAt: new Date().toISOString(),
      source: "ledger",
      data: { entryId: "twice-1", amount: 7 },
    };
    const before = totals();
    const duplicatesBefore = await metric("bazaar_consumer_duplicates_total");
    // Different message ids, so the stream keeps both: only the inbox can stop the second.
    await js.publish(entryRecorded.subject, JSON.stringify(envelope), { msgID: "a" });
    await js.publish(entryRecorded.subject, JSON.stringify(envelope), { msgID: "b" });
    await vi.waitFor(
      async () => expect(await metric("bazaar_consumer_duplicates_total")).toBe(duplicatesBefore + 1),
      { timeout: 10_000 },
    );
    expect(totals().total - before.total).toBe(7);
    expect(totals().count - before.count).toBe(1);
  });

  it("retries a handler that fails twice, with growing delays, until it succeeds", async () => {
    controls.failuresLeft.set("flaky-1", 2);
    await client.call(recordEntry, { entryId: "flaky-1", amount: 3 });
    await vi.waitFor(() => expect(isApplied("flaky-1")).toBe(true), { timeout: 10_000, interval: 50 });
    const attempts = controls.attempts.get("flaky-1") ?? [];
    expect(attempts).toHaveLength(3);
    const [a, b, c] = attempts as [number, number, number];
    expect(b - a).toBeGreaterThanOrEqual(100);
    expect(c - b).toBeGreaterThan(b - a);
  });

  it("dead-letters a poison message after N failed attempts while 50 messages behind it are processed", async () => {
    controls.poisoned.add("poison-1");
    // The poison first, then 50 good events right behind it in the same stream.
    ledger.runtime.transaction((_tx, outbox) => {
      outbox.emit(entryRecorded, { entryId: "poison-1", amount: 1000 });
      for (let i = 0; i < 50; i++) outbox.emit(entryRecorded, { entryId: `behind-${i}`, amount: 1 });
    });
    await vi.waitFor(
      () => expect(Array.from({ length: 50 }, (_, i) => isApplied(`behind-${i}`)).every(Boolean)).toBe(true),
      { timeout: 10_000 },
    );
    // All 50 were applied while the poison message was still being retried.
    expect(controls.attempts.get("poison-1")?.length ?? 0).toBeLessThan(MAX_DELIVER);

    await vi.waitFor(
      async () =>
        expect(
          (await balanceSvc.runtime.deadLetters.list()).some(
            (d) => d.payload && JSON.stringify(d.payload).includes("poison-1"),
          ),
        ).toBe(true),
      {
        timeout: 15_000,
        interval: 100,
      },
    );
    const letter = (await balanceSvc.runtime.deadLetters.list()).find((d) =>
      JSON.stringify(d.payload).includes("poison-1"),
    );
    expect(letter).toMatchObject({
      service: "balance",
      consumer: consumerName("balance", entryRecorded),
      stream: "LEDGER",
      subject: entryRecorded.subject,
      deliveries: MAX_DELIVER,
      reason: "max_deliveries",
      error: "entry poison-1 is poison",
      eventType: "entry.recorded",
    });
    expect(letter?.sequence).toBeGreaterThan(0);
    expect(controls.attempts.get("poison-1")).toHaveLength(MAX_DELIVER);
    expect(isApplied("poison-1")).toBe(false);
    expect(await metric("bazaar_consumer_dead_lettered_total")).toBeGreaterThanOrEqual(1);
  });

  it("processes a replayed dead letter once after the cause is fixed", async () => {
    const letter = (await balanceSvc.runtime.deadLetters.list()).find((d) =>
      JSON.stringify(d.payload).includes("poison-1"),
    );
    if (!letter) throw new Error("expected the poison dead letter");
    controls.poisoned.delete("poison-1");
    const before = totals();
    const result = await balanceSvc.runtime.deadLetters.replay(letter.id);
    expect(result).toMatchObject({ id: letter.id, subject: entryRecorded.subject });
    await vi.waitFor(() => expect(isApplied("poison-1")).toBe(true), { timeout: 10_000 });
    expect(totals().total - before.total).toBe(1000);
    // Gone from the dead letters, and a second replay of the same id is refused.
    expect((await balanceSvc.runtime.deadLetters.list()).some((d) => d.id === letter.id)).toBe(false);
    await expect(balanceSvc.runtime.deadLetters.replay(letter.id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(totals().total - before.total).toBe(1000);
  });

  it("dead-letters a message that fails validation at once, without retrying it", async () => {
    const js = jetstream(nc);
    const before = await metric("bazaar_consumer_dead_lettered_total");
    await js.publish(
      entryRecorded.subject,
      JSON.stringify({ id: "bad-1", type: "entry.recorded", version: 1, data: { amount: "lots" } }),
    );
    await vi.waitFor(
      async () => expect(await metric("bazaar_consumer_dead_lettered_total")).toBe(before + 1),
      { timeout: 10_000 },
    );
    const letter = (await balanceSvc.runtime.deadLetters.list())[0];
    expect(letter).toMatchObject({ reason: "invalid", deliveries: 1 });
    expect(letter?.error).toContain("data.entryId");
  });
});

describe("readiness gates consumption", () => {
  it("pauses consumers while a local check fails and resumes after", async () => {
    controls.gateOpen = false;
    await vi.waitFor(async () => expect((await fetch(`${balanceSvc.url}/health/ready`)).status).toBe(503), {
      timeout: 5000,
    });
    await vi.waitFor(
      () =>
        expect(balanceSvc.runtime.health().then((h) => h.checks.consumers?.[0]?.status)).resolves.toBe(
          "fail",
        ),
      { timeout: 5000 },
    );
    await client.call(recordEntry, { entryId: "gated-1", amount: 2 });
    await new Promise((r) => setTimeout(r, 800));
    expect(isApplied("gated-1")).toBe(false);
    controls.gateOpen = true;
    await vi.waitFor(() => expect(isApplied("gated-1")).toBe(true), { timeout: 10_000 });
    expect((await fetch(`${balanceSvc.url}/health/ready`)).status).toBe(200);
  });
});

describe("trace context through outbox, stream and consumer", () => {
  it("gives the consumer the producer's trace id, in its context and its logs", async () => {
    const trace = newTrace();
    await runInScope({ trace }, () => client.call(recordEntry, { entryId: "traced-1", amount: 1 }));
    await vi.waitFor(() => expect(isApplied("traced-1")).toBe(true), { timeout: 10_000 });
    const row = balanceSvc.runtime.db.select().from(applied).where(sql`entry_id = 'traced-1'`).get();
    expect(row?.traceId).toBe(trace.traceId);
    const line = logs.lines().find((l) => l.msg === "entry applied" && l.entryId === "traced-1");
    expect(line).toMatchObject({ trace_id: trace.traceId, service: "balance", eventType: "entry.recorded" });
    expect(formatTraceparent(trace)).toContain(trace.traceId);
  });
});

describe("inspection with the real nats CLI", () => {
  it("lists the streams and consumers with their descriptions", async () => {
    const ls = await runNatsCli(["stream", "ls", "--json"], { url: nats.url });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain("LEDGER");
    expect(ls.stdout).toContain("DEAD_LETTERS");

    const info = await runNatsCli(["stream", "info", "LEDGER", "--json"], { url: nats.url });
    expect(info.code, info.stderr).toBe(0);
    const config = (
      JSON.parse(info.stdout) as {
        config: { description: string; storage: string; duplicate_window: number };
      }
    ).config;
    expect(config).toMatchObject({ description: "Ledger entries (kit test fixture)", storage: "file" });
    expect(config.duplicate_window).toBe(10 * 60 * 1e9);

    const consumers = await runNatsCli(["consumer", "ls", "LEDGER"], { url: nats.url });
    expect(consumers.code, consumers.stderr).toBe(0);
    expect(consumers.stdout).toContain("balance__entry-recorded-v1");
    const cinfo = await runNatsCli(["consumer", "info", "LEDGER", "balance__entry-recorded-v1", "--json"], {
      url: nats.url,
    });
    expect(JSON.parse(cinfo.stdout).config.description).toBe(
      "balance applies entry.recorded v1 (one handler, idempotent via inbox)",
    );
  });
});

describe("the dead-letter threshold counts failed attempts, not deliveries", () => {
  it("does not dead-letter a message that was handed back untried more often than the threshold", async () => {
    const dataDir = balanceSvc.dataDir;
    await balanceSvc.stopKeepingData();
    controls.failuresLeft.set("handed-back-1", MAX_DELIVER - 1);
    await ledger.runtime.transaction((_tx, outbox) =>
      outbox.emit(entryRecorded, { entryId: "handed-back-1", amount: 5 }),
    );
    // What a paused or stopping instance does with buffered messages: nak them without trying them.
    const js = jetstream(nc);
    const durable = await js.consumers.get("LEDGER", consumerName("balance", entryRecorded));
    let deliveries = 0;
    for (let i = 0; i < MAX_DELIVER + 2; i++) {
      const msg = await durable.next({ expires: 5000 });
      if (!msg) throw new Error("expected the message to be delivered");
      expect(JSON.stringify(msg.json())).toContain("handed-back-1");
      deliveries = msg.info.deliveryCount;
      msg.nak();
    }
    expect(deliveries).toBe(MAX_DELIVER + 2);

    balanceSvc = await startTestService(balanceService, {
      natsUrl: nats.url,
      dataDir,
      env: { CONSUMER_BACKOFF_MS: "50", CONSUMER_MAX_DELIVER: String(MAX_DELIVER) },
    });
    // Three failed attempts, each under the threshold of four, then the fourth attempt applies it.
    await vi.waitFor(() => expect(isApplied("handed-back-1")).toBe(true), { timeout: 15_000, interval: 50 });
    expect(controls.attempts.get("handed-back-1")).toHaveLength(MAX_DELIVER);
    const letters = await balanceSvc.runtime.deadLetters.list();
    expect(letters.some((d) => JSON.stringify(d.payload).includes("handed-back-1"))).toBe(false);
  });
});
