import { startTestNats, type TestNats } from "@bazaar/testing";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { count, sql } from "drizzle-orm";
import { blob, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { entryRecorded, ledgerService, recordEntry } from "../fixtures/ledger-services.js";
import { createRpcClient, type RpcClient } from "../rpc/rpc-client.js";
import { declareService } from "../service/declare-service.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";

// `archive` keeps a 16 KiB record per entry, so every event needs new database pages. Each test runs its
// own (its own durable), so one test's unapplied events do not reach the next.
const archive = sqliteTable("archive", { entryId: text("entry_id").primaryKey(), body: blob("body") });
function archiveService(name: string) {
  const decl = declareService({
    name,
    version: "1.0.0",
    description: "Archives ledger entries (storage test)",
    store: {
      schema: { archive },
      modules: [{ name, migrations: ["CREATE TABLE archive (entry_id TEXT PRIMARY KEY, body BLOB)"] }],
    },
  });
  return decl.define({
    consumes: [
      decl.on(entryRecorded, (event, ctx) => {
        ctx.tx
          .insert(archive)
          .values({ entryId: event.data.entryId, body: Buffer.alloc(16 * 1024, 1) })
          .run();
      }),
    ],
  });
}

// `slow` takes about 2 ms per event, so a burst keeps its worker's queue full.
const slowControls = { gateOpen: true };
const slowSeen = sqliteTable("slow_seen", { entryId: text("entry_id").primaryKey() });
const slowDecl = declareService({
  name: "slow",
  version: "1.0.0",
  description: "Applies ledger entries slowly (storage test)",
  store: {
    schema: { slowSeen },
    modules: [{ name: "slow", migrations: ["CREATE TABLE slow_seen (entry_id TEXT PRIMARY KEY)"] }],
  },
});
const slowService = slowDecl.define({
  consumes: [
    slowDecl.on(entryRecorded, (event, ctx) => {
      const until = performance.now() + 2;
      while (performance.now() < until) {
        // busy: a handler is synchronous
      }
      ctx.tx.insert(slowSeen).values({ entryId: event.data.entryId }).run();
    }),
  ],
  checks: () => [
    {
      name: "gate",
      local: true,
      run: () => (slowControls.gateOpen ? undefined : Promise.reject(new Error("gate closed"))),
    },
  ],
});

let nats: TestNats;
let ledger: TestService;
let nc: NatsConnection;
let client: RpcClient;

beforeAll(async () => {
  nats = await startTestNats();
  ledger = await startTestService(ledgerService, { natsUrl: nats.url });
  nc = await connect({ servers: nats.url });
  client = createRpcClient({ nc, caller: "test" });
});

afterAll(async () => {
  await nc?.close();
  await ledger?.stop();
  await nats?.dispose();
});

const metric = async (svc: TestService, name: string, label = ""): Promise<number> => {
  const text = await (await fetch(`${svc.url}/metrics`)).text();
  const lines = text.split("\n").filter((l) => l.startsWith(`${name}{`) && l.includes(label));
  return lines.reduce((n, l) => n + Number(l.split(" ").at(-1)), 0);
};
const archived = (svc: TestService, prefix: string): number =>
  svc.runtime.db
    .select({ n: count() })
    .from(archive)
    .where(sql`entry_id LIKE ${`${prefix}-%`}`)
    .get()?.n ?? 0;
const failureRows = (svc: TestService): number => {
  const row = svc.runtime.store?.sqlite.prepare("SELECT count(*) AS n FROM kit_consumer_failures").get() as
    | { n: number }
    | undefined;
  return row?.n ?? 0;
};

async function record(prefix: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await client.call(recordEntry, { entryId: `${prefix}-${i}`, amount: 1 });
}

/**
 * Drives the archive consumer into a storage failure with `breakStorage`, checks that nothing is counted or
 * dead-lettered while it lasts (for longer than the dead-letter threshold), then repairs it and checks that
 * every event is applied.
 */
async function survivesStorageFailure(o: {
  prefix: string;
  code: string;
  breakStorage: (svc: TestService) => void;
  repair: (svc: TestService) => void;
}): Promise<void> {
  const svc = await startTestService(archiveService(`archive-${o.prefix}`), {
    natsUrl: nats.url,
    // An event the broker had already sent into the pull that the pause closes is dropped by the client and
    // comes back after the ack wait: a short one keeps that case inside the test's time.
    env: {
      CONSUMER_MAX_DELIVER: "2",
      CONSUMER_BACKOFF_MS: "50",
      CONSUMER_BACKOFF_MAX_MS: "200",
      CONSUMER_ACK_WAIT_MS: "3000",
    },
  });
  try {
    await record(`${o.prefix}-before`, 2);
    await vi.waitFor(() => expect(archived(svc, o.prefix)).toBe(2), { timeout: 10_000, interval: 50 });
    o.breakStorage(svc);
    await record(`${o.prefix}-during`, 5);

    // Readiness sees it too: a real write, not `SELECT 1`.
    await vi.waitFor(
      async () => {
        const sqlite = (await svc.runtime.health()).checks.sqlite?.[0];
        expect(sqlite?.status).toBe("fail");
        expect(sqlite?.output).toContain(o.code);
      },
      { timeout: 5000, interval: 50 },
    );
    await vi.waitFor(
      async () =>
        expect(await metric(svc, "bazaar_consumer_storage_pauses_total", o.code)).toBeGreaterThan(0),
      { timeout: 10_000, interval: 50 },
    );
    // Well past two failed attempts each (the dead-letter threshold here).
    await new Promise((r) => setTimeout(r, 1500));
    expect(await svc.runtime.deadLetters.count()).toBe(0);
    expect(await metric(svc, "bazaar_consumer_failed_total")).toBe(0);
    expect(failureRows(svc)).toBe(0);
    expect(archived(svc, o.prefix)).toBe(2);

    o.repair(svc);
    await vi.waitFor(() => expect(archived(svc, o.prefix)).toBe(7), { timeout: 20_000, interval: 50 });
    expect(await svc.runtime.deadLetters.count()).toBe(0);
    await vi.waitFor(async () => expect((await svc.runtime.health()).status).toBe("pass"), {
      timeout: 5000,
      interval: 50,
    });
  } finally {
    await svc.stop();
  }
}

describe("a storage failure is not the event's fault", () => {
  it("pauses on a full database (page limit reached) without counting failures or dead-lettering", async () => {
    await survivesStorageFailure({
      prefix: "full",
      code: "SQLITE_FULL",
      breakStorage: (svc) => {
        const sqlite = svc.runtime.store?.sqlite;
        if (!sqlite) throw new Error("expected a store");
        // No page may be added from now on: SQLite answers SQLITE_FULL, as on a full disk.
        sqlite.pragma(`max_page_count = ${Number(sqlite.pragma("page_count", { simple: true }))}`);
      },
      repair: (svc) => svc.runtime.store?.sqlite.pragma("max_page_count = 1073741823"),
    });
  }, 60_000);

  // Tests run as root, for whom chmod does not stop writes: `query_only` makes SQLite refuse them the way a
  // read-only file or mount does (SQLITE_READONLY).
  it("pauses on a read-only database without counting failures or dead-lettering", async () => {
    await survivesStorageFailure({
      prefix: "readonly",
      code: "SQLITE_READONLY",
      breakStorage: (svc) => svc.runtime.store?.sqlite.pragma("query_only = ON"),
      repair: (svc) => svc.runtime.store?.sqlite.pragma("query_only = OFF"),
    });
  }, 60_000);
});

describe("a pause", () => {
  it("stops the worker from applying what it had already queued", async () => {
    const svc = await startTestService(slowService, { natsUrl: nats.url });
    const seen = (): number =>
      svc.runtime.db.select({ n: count() }).from(slowSeen).where(sql`entry_id LIKE 'queued-%'`).get()?.n ?? 0;
    try {
      ledger.runtime.transaction((_tx, outbox) => {
        for (let i = 0; i < 400; i++) outbox.emit(entryRecorded, { entryId: `queued-${i}`, amount: 1 });
      });
      await vi.waitFor(() => expect(seen()).toBeGreaterThan(0), { timeout: 10_000, interval: 5 });
      slowControls.gateOpen = false;
      await svc.runtime.health();
      const atPause = seen();
      expect(atPause).toBeLessThan(400);
      await new Promise((r) => setTimeout(r, 1000));
      expect(seen()).toBe(atPause);

      slowControls.gateOpen = true;
      await vi.waitFor(() => expect(seen()).toBe(400), { timeout: 20_000, interval: 50 });
    } finally {
      slowControls.gateOpen = true;
      await svc.stop();
    }
  });
});
