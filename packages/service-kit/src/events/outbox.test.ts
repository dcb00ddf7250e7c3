import { startTestNats, type TestNats } from "@bazaar/testing";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { count, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { UndeclaredDependencyError } from "../errors/app-error.js";
import {
  applied,
  balance,
  balanceService,
  entries,
  entryRecorded,
  ledgerService,
  recordEntry,
} from "../fixtures/ledger-services.js";
import { createRpcClient, type RpcClient } from "../rpc/rpc-client.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { type Emitter, OutboxUsageError } from "./outbox.js";

let nats: TestNats;
let ledger: TestService;
let balanceSvc: TestService;
let nc: NatsConnection;
let client: RpcClient;

beforeAll(async () => {
  nats = await startTestNats();
  ledger = await startTestService(ledgerService, { natsUrl: nats.url });
  balanceSvc = await startTestService(balanceService, { natsUrl: nats.url });
  nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
  client = createRpcClient({ nc, caller: "test" });
});

afterAll(async () => {
  await nc?.close();
  await Promise.all([ledger?.stop(), balanceSvc?.stop()]);
  await nats?.dispose();
});

const outboxRows = (): number =>
  (ledger.runtime.store!.sqlite.prepare("SELECT count(*) AS n FROM kit_outbox").get() as { n: number }).n;

describe("transactional outbox", () => {
  it("commits a state change and its event together, or neither", async () => {
    const before = outboxRows();
    const err = await client
      .call(recordEntry, { entryId: "atomic-1", amount: 5, failAfterEmit: true })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "INTERNAL" });
    expect(
      ledger.runtime.db.select({ n: count() }).from(entries).where(sql`entry_id = 'atomic-1'`).get()?.n,
    ).toBe(0);
    expect(outboxRows()).toBe(before);

    await client.call(recordEntry, { entryId: "atomic-2", amount: 5 });
    expect(
      ledger.runtime.db.select({ n: count() }).from(entries).where(sql`entry_id = 'atomic-2'`).get()?.n,
    ).toBe(1);
    expect(outboxRows()).toBe(before + 1);
  });

  it("refuses to record an event outside a transaction", () => {
    let leaked: Emitter | undefined;
    ledger.runtime.transaction((_tx, outbox) => {
      leaked = outbox;
    });
    expect(() => leaked?.emit(entryRecorded, { entryId: "x", amount: 1 })).toThrow(OutboxUsageError);
  });

  it("refuses an event the service did not declare", () => {
    expect(() =>
      balanceSvc.runtime.transaction((_tx, outbox) =>
        outbox.emit(entryRecorded, { entryId: "x", amount: 1 }),
      ),
    ).toThrow(UndeclaredDependencyError);
  });

  it("accepts 100 events while NATS is down and delivers each exactly once after it returns", async () => {
    const offline = (): number =>
      balanceSvc.runtime.db.select({ n: count() }).from(applied).where(sql`entry_id LIKE 'offline-%'`).get()
        ?.n ?? 0;
    const totals = () =>
      balanceSvc.runtime.db.select().from(balance).get() as { total: number; count: number };
    // Start from a quiet system: everything emitted so far has been applied.
    await vi.waitFor(
      async () => {
        expect(ledger.runtime.outboxStats()?.pending).toBe(0);
        const info = await balanceSvc.runtime.nats.jsm.consumers.info("LEDGER", "balance__entry-recorded-v1");
        expect(info.num_pending + info.num_ack_pending).toBe(0);
      },
      { timeout: 10_000, interval: 50 },
    );
    const start = totals();

    await nats.stop();
    for (let i = 0; i < 100; i++) {
      const res = await fetch(`${ledger.url}/entries`, {
        method: "POST",
        body: JSON.stringify({ entryId: `offline-${i}`, amount: 1 }),
        headers: { "content-type": "application/json" },
      });
      expect(res.status).toBe(201);
    }
    expect(ledger.runtime.outboxStats()?.pending).toBe(100);
    const metrics = await (await fetch(`${ledger.url}/metrics`)).text();
    expect(metrics).toMatch(/bazaar_outbox_pending\{[^}]*\} 100/);
    expect(metrics).toMatch(/bazaar_outbox_oldest_pending_age_seconds\{[^}]*\} [0-9.]+/);

    await nats.restart();
    await vi.waitFor(() => expect(offline()).toBe(100), { timeout: 30_000, interval: 100 });
    expect(ledger.runtime.outboxStats()?.pending).toBe(0);
    // Once each: the balance moved by exactly 100 applications, also after a pause for stragglers.
    await new Promise((r) => setTimeout(r, 500));
    expect(totals().count - start.count).toBe(100);
    expect(totals().total - start.total).toBe(100);
  });

  it("prunes published rows after the retention period", async () => {
    const shortLived = await startTestService(ledgerService, {
      natsUrl: nats.url,
      env: { OUTBOX_RETENTION_MS: "0" },
    });
    try {
      await client.call(recordEntry, { entryId: "pruned-1", amount: 1 });
      const rows = (): number =>
        (
          shortLived.runtime.store!.sqlite.prepare("SELECT count(*) AS n FROM kit_outbox").get() as {
            n: number;
          }
        ).n;
      // Either instance may take the call; record through this one's HTTP route to be sure.
      await fetch(`${shortLived.url}/entries`, {
        method: "POST",
        body: JSON.stringify({ entryId: "pruned-2", amount: 1 }),
        headers: { "content-type": "application/json" },
      });
      expect(rows()).toBeGreaterThan(0);
      await vi.waitFor(() => expect(rows()).toBe(0), { timeout: 10_000, interval: 100 });
      expect(shortLived.runtime.outboxStats()?.published).toBeGreaterThan(0);
    } finally {
      await shortLived.stop();
    }
  });
});
