import { startTestNats, type TestNats } from "@bazaar/testing";
import { DeliverPolicy } from "@nats-io/jetstream";
import { sql } from "drizzle-orm";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { entryRecorded, LEDGER, ledgerService } from "../fixtures/ledger-services.js";
import { declareService } from "../service/declare-service.js";
import type { ServiceDefinition } from "../service/types.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { consumerName } from "./consumer.js";
import type { StartFrom } from "./durable-consumer.js";

const seen = sqliteTable("seen", { entryId: text("entry_id").primaryKey() });

/** A service that records the entries it saw; its one subscription starts where `from` says. */
function watcher(name: string, from?: StartFrom): ServiceDefinition {
  const decl = declareService({
    name,
    version: "1.0.0",
    description: "Records ledger entries (start position test)",
    store: {
      schema: { seen },
      modules: [{ name, migrations: ["CREATE TABLE seen (entry_id TEXT PRIMARY KEY)"] }],
    },
  });
  const onEntry = decl.on(
    entryRecorded,
    (event, ctx) => {
      ctx.tx.insert(seen).values({ entryId: event.data.entryId }).run();
    },
    from ? { from } : undefined,
  );
  return decl.define({ consumes: [onEntry] });
}

let nats: TestNats;
let ledger: TestService;

beforeAll(async () => {
  nats = await startTestNats();
  ledger = await startTestService(ledgerService, { natsUrl: nats.url });
});

afterAll(async () => {
  await ledger?.stop();
  await nats?.dispose();
});

const emit = (prefix: string, n: number): void =>
  ledger.runtime.transaction((_tx, outbox) => {
    for (let i = 0; i < n; i++) outbox.emit(entryRecorded, { entryId: `${prefix}-${i}`, amount: 1 });
  });
const seenBy = (svc: TestService, prefix: string): number =>
  (
    svc.runtime.db
      .select({ n: sql<number>`count(*)` })
      .from(seen)
      .where(sql`entry_id LIKE ${`${prefix}-%`}`)
      .get() ?? { n: 0 }
  ).n;
const streamHolds = async (n: number): Promise<void> =>
  vi.waitFor(
    async () => expect((await ledger.runtime.nats.jsm.streams.info(LEDGER.name)).state.messages).toBe(n),
    { timeout: 10_000, interval: 50 },
  );

describe("where a new subscription starts", () => {
  it('reads only what is published after it exists with from: "new", and the whole stream by default', async () => {
    emit("history", 3);
    await streamHolds(3);

    const sideEffects = await startTestService(watcher("mailer", "new"), { natsUrl: nats.url });
    const projection = await startTestService(watcher("projector"), { natsUrl: nats.url });
    try {
      emit("fresh", 2);
      await vi.waitFor(
        () => {
          expect(seenBy(sideEffects, "fresh")).toBe(2);
          expect(seenBy(projection, "fresh")).toBe(2);
        },
        { timeout: 10_000, interval: 50 },
      );
      expect(seenBy(projection, "history")).toBe(3);
      // Give a wrong start position time to show.
      await new Promise((r) => setTimeout(r, 300));
      expect(seenBy(sideEffects, "history")).toBe(0);
      const info = await ledger.runtime.nats.jsm.consumers.info(
        LEDGER.name,
        consumerName("mailer", entryRecorded),
      );
      expect(info.config.deliver_policy).toBe(DeliverPolicy.New);

      // Down for a while: what was published meanwhile is read on restart (the durable is not reset).
      const dataDir = sideEffects.dataDir;
      await sideEffects.stopKeepingData();
      emit("while-down", 2);
      await streamHolds(7);
      const again = await startTestService(watcher("mailer", "new"), { natsUrl: nats.url, dataDir });
      try {
        await vi.waitFor(() => expect(seenBy(again, "while-down")).toBe(2), {
          timeout: 10_000,
          interval: 50,
        });
        expect(seenBy(again, "history")).toBe(0);
      } finally {
        await again.stop();
      }
    } finally {
      await projection.stop();
    }
  });

  it("never resets an existing durable when its declaration changes", async () => {
    // The projector's durable exists and has read everything; declared "new" now, it still resumes.
    const redeclared = await startTestService(watcher("projector", "new"), { natsUrl: nats.url });
    try {
      emit("after-redeclare", 1);
      await vi.waitFor(() => expect(seenBy(redeclared, "after-redeclare")).toBe(1), {
        timeout: 10_000,
        interval: 50,
      });
      const info = await ledger.runtime.nats.jsm.consumers.info(
        LEDGER.name,
        consumerName("projector", entryRecorded),
      );
      expect(info.config.deliver_policy).toBe(DeliverPolicy.All);
    } finally {
      await redeclared.stop();
    }
  });
});
