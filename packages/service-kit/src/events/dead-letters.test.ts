import { DEAD_LETTER_STREAM } from "@bazaar/contracts";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { sql } from "drizzle-orm";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  balanceService,
  controls,
  entryRecorded,
  LEDGER,
  ledgerService,
} from "../fixtures/ledger-services.js";
import { H, makeHeaders } from "../nats/headers.js";
import { declareService } from "../service/declare-service.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { createDeadLetters, type DeadLetters } from "./dead-letters.js";
import { ensureStream } from "./streams.js";

let nats: TestNats;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let deadLetters: DeadLetters;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  deadLetters = createDeadLetters({ js, jsm });
});

afterAll(async () => {
  await nc?.close();
  await nats?.dispose();
});

/** Writes dead letters the way consumers do (headers naming their origin), `n` of them for `service`. */
async function writeLetters(service: string, n: number, from = 0): Promise<void> {
  const acks = [];
  for (let i = from; i < from + n; i++) {
    const envelope = { id: `${service}-${i}`, type: "entry.recorded", data: { entryId: `${service}-${i}` } };
    acks.push(
      js.publish(`dlq.${service}.${entryRecorded.subject}`, JSON.stringify(envelope), {
        headers: makeHeaders({
          [H.dlqStream]: LEDGER.name,
          [H.dlqSubject]: entryRecorded.subject,
          [H.dlqSequence]: String(i + 1),
          [H.dlqConsumer]: `${service}__entry-recorded-v1`,
          [H.dlqService]: service,
          [H.dlqDeliveries]: "5",
          [H.dlqReason]: "max_deliveries",
          [H.dlqError]: "boom",
          [H.dlqFailedAt]: new Date().toISOString(),
        }),
      }),
    );
  }
  await Promise.all(acks);
}

/** Counts the one-message-per-request reads (`STREAM.MSG.GET`) made on the dead-letter stream while `fn` runs. */
async function countMessageGets<T>(fn: () => Promise<T>): Promise<{ result: T; gets: number }> {
  const spy = await connect({ servers: nats.url });
  let gets = 0;
  spy.subscribe(`$JS.API.STREAM.MSG.GET.${DEAD_LETTER_STREAM.name}`, {
    callback: () => {
      gets++;
    },
  });
  await spy.flush();
  try {
    const result = await fn();
    await spy.flush();
    return { result, gets };
  } finally {
    await spy.close();
  }
}

describe("dead-letter listing and replay-all", () => {
  it("read the stream in batches, not one request per sequence number", async () => {
    await ensureStream(jsm, DEAD_LETTER_STREAM);
    await ensureStream(jsm, LEDGER);
    await writeLetters("alpha", 1500);
    await writeLetters("beta", 1500);
    // Leave gaps, as replays and discards do.
    const first = (await jsm.streams.info(DEAD_LETTER_STREAM.name)).state.first_seq;
    for (let seq = first; seq < first + 600; seq += 2)
      await jsm.streams.deleteMessage(DEAD_LETTER_STREAM.name, seq, false);

    const newest = await countMessageGets(() => deadLetters.list({ limit: 50 }));
    expect(newest.gets).toBe(0);
    expect(newest.result).toHaveLength(50);
    expect(newest.result[0]?.eventId).toBe("beta-1499");
    expect(newest.result.map((d) => d.id)).toEqual([...newest.result.map((d) => d.id)].sort((a, b) => b - a));

    const alphas = await countMessageGets(() => deadLetters.list({ limit: 5000, service: "alpha" }));
    expect(alphas.gets).toBe(0);
    expect(alphas.result).toHaveLength(1500 - 300);
    expect(alphas.result.every((d) => d.service === "alpha")).toBe(true);

    const stats = await deadLetters.stats({ service: "beta" });
    expect(stats.count).toBe(1500);
    expect(stats.oldestAt).toBeInstanceOf(Date);

    const replayed = await countMessageGets(() => deadLetters.replayAll({ service: "alpha" }));
    expect(replayed.gets).toBe(0);
    expect(replayed.result).toHaveLength(1200);
    expect(replayed.result.map((r) => r.id)).toEqual(alphas.result.map((d) => d.id).reverse());
    expect((await deadLetters.stats({ service: "alpha" })).count).toBe(0);
    expect((await deadLetters.stats({ service: "beta" })).count).toBe(1500);
  });

  it("lets an operator discard a dead letter for good", async () => {
    const [letter] = await deadLetters.list({ limit: 1, service: "beta" });
    if (!letter) throw new Error("expected a dead letter");
    const before = await deadLetters.count();
    expect(await deadLetters.discard(letter.id)).toMatchObject({ id: letter.id, service: "beta" });
    expect(await deadLetters.count()).toBe(before - 1);
    await expect(deadLetters.get(letter.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deadLetters.discard(letter.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});

// Applies every entry, counting how often each was applied.
const mirrored = sqliteTable("mirrored", {
  entryId: text("entry_id").primaryKey(),
  times: integer("times").notNull(),
});
const mirrorDecl = declareService({
  name: "mirror",
  version: "1.0.0",
  description: "Mirrors ledger entries (dead-letter test)",
  store: {
    schema: { mirrored },
    modules: [
      {
        name: "mirror",
        migrations: ["CREATE TABLE mirrored (entry_id TEXT PRIMARY KEY, times INTEGER NOT NULL)"],
      },
    ],
  },
});
const mirrorService = mirrorDecl.define({
  consumes: [
    mirrorDecl.on(entryRecorded, (event, ctx) => {
      ctx.tx.run(
        sql`INSERT INTO mirrored (entry_id, times) VALUES (${event.data.entryId}, 1) ON CONFLICT (entry_id) DO UPDATE SET times = times + 1`,
      );
    }),
  ],
});

describe("a replayed dead letter", () => {
  let ledger: TestService;
  let balance: TestService;
  let mirror: TestService;

  beforeAll(async () => {
    ledger = await startTestService(ledgerService, { natsUrl: nats.url });
    balance = await startTestService(balanceService, {
      natsUrl: nats.url,
      env: { CONSUMER_MAX_DELIVER: "2", CONSUMER_BACKOFF_MS: "50" },
    });
    mirror = await startTestService(mirrorService, { natsUrl: nats.url });
  });

  afterAll(async () => {
    await Promise.all([ledger?.stop(), balance?.stop(), mirror?.stop()]);
  });

  it("reaches only the consumer that gave up on it, however long ago (inbox entries pruned)", async () => {
    controls.poisoned.add("late-1");
    ledger.runtime.transaction((_tx, outbox) => outbox.emit(entryRecorded, { entryId: "late-1", amount: 1 }));
    const times = (): number | undefined =>
      mirror.runtime.db.select().from(mirrored).where(sql`entry_id = 'late-1'`).get()?.times;
    await vi.waitFor(() => expect(times()).toBe(1), { timeout: 10_000, interval: 50 });
    let letter: Awaited<ReturnType<DeadLetters["list"]>>[number] | undefined;
    await vi.waitFor(
      async () => {
        letter = (await balance.runtime.deadLetters.list({ service: "balance" })).find(
          (d) => d.eventType === "entry.recorded" && JSON.stringify(d.payload).includes("late-1"),
        );
        expect(letter).toBeDefined();
      },
      { timeout: 10_000, interval: 100 },
    );

    // Months later: the mirror's inbox no longer remembers the event.
    mirror.runtime.store?.sqlite.prepare("DELETE FROM kit_inbox").run();
    controls.poisoned.delete("late-1");
    const attemptsBefore = controls.attempts.get("late-1")?.length ?? 0;
    await balance.runtime.deadLetters.replay(letter?.id ?? 0);
    await vi.waitFor(() => expect(controls.attempts.get("late-1")?.length ?? 0).toBe(attemptsBefore + 1), {
      timeout: 10_000,
      interval: 50,
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(times()).toBe(1);
  });
});
