import { DEAD_LETTER_STREAM, USERS_STREAM, users } from "@bazaar/contracts";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { sql } from "drizzle-orm";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { entryRecorded, LEDGER } from "../fixtures/ledger-services.js";
import { H, makeHeaders } from "../nats/headers.js";
import { declareService } from "../service/declare-service.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { runDeadLetterBulk } from "./dead-letter-bulk.js";
import { EDITED_AT_HEADER, EDITED_BY_HEADER } from "./dead-letter-decode.js";
import { createDeadLetters, type DeadLetter, type DeadLetters } from "./dead-letters.js";
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
  await ensureStream(jsm, DEAD_LETTER_STREAM);
  await ensureStream(jsm, LEDGER);
  await ensureStream(jsm, USERS_STREAM);
});

afterAll(async () => {
  await nc?.close();
  await nats?.dispose();
});

interface LetterSpec {
  readonly service: string;
  readonly consumer?: string;
  readonly error: string;
  readonly failedAt?: string;
  readonly type?: string;
  readonly key: string;
}

/** Writes one dead letter the way a consumer does, its envelope's id being `key`. */
async function writeLetter(spec: LetterSpec): Promise<void> {
  const envelope = { id: spec.key, type: spec.type ?? "entry.recorded", data: { entryId: spec.key } };
  await js.publish(`dlq.${spec.service}.${entryRecorded.subject}`, JSON.stringify(envelope), {
    headers: makeHeaders({
      [H.dlqStream]: LEDGER.name,
      [H.dlqSubject]: entryRecorded.subject,
      [H.dlqSequence]: "1",
      [H.dlqConsumer]: spec.consumer ?? `${spec.service}__entry-recorded-v1`,
      [H.dlqService]: spec.service,
      [H.dlqDeliveries]: "3",
      [H.dlqReason]: "max_deliveries",
      [H.dlqError]: spec.error,
      [H.dlqFailedAt]: spec.failedAt ?? new Date().toISOString(),
    }),
  });
}

const keysOf = (letters: readonly DeadLetter[]): string[] => letters.map((d) => d.eventId ?? "");

describe("finding dead letters", () => {
  beforeAll(async () => {
    for (let i = 0; i < 30; i++)
      await writeLetter({
        service: "find",
        error: `order ${1000 + i} not found`,
        failedAt: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
        key: `find-nf-${i}`,
      });
    for (let i = 0; i < 5; i++)
      await writeLetter({
        service: "find",
        consumer: "find__other-v1",
        error: `Card "tok_${i}x" DECLINED`,
        type: "payment.failed",
        key: `find-card-${i}`,
      });
    await writeLetter({ service: "elsewhere", error: "order 7 not found", key: "elsewhere-1" });
  });

  it("pages newest first by cursor until the last page, each item with payload, error and group", async () => {
    const seen: DeadLetter[] = [];
    let before: number | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await deadLetters.page({
        filter: { service: "find" },
        limit: 8,
        ...(before === undefined ? {} : { before }),
      });
      seen.push(...page.items);
      if (page.nextCursor === null) break;
      expect(page.items).toHaveLength(8);
      before = page.nextCursor;
    }
    expect(seen).toHaveLength(35);
    expect(new Set(seen.map((d) => d.id)).size).toBe(35);
    expect(seen.map((d) => d.id)).toEqual([...seen.map((d) => d.id)].sort((a, b) => b - a));
    expect(seen[0]).toMatchObject({
      eventId: "find-card-4",
      error: 'Card "tok_4x" DECLINED',
      payload: { id: "find-card-4", data: { entryId: "find-card-4" } },
      groupKey: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    const exact = await deadLetters.page({ filter: { service: "find" }, limit: 35 });
    expect(exact.items).toHaveLength(35);
    expect(exact.nextCursor).toBeNull();
  });

  it("filters by consumer, stream, event type, error text (any case) and failure time", async () => {
    const by = async (filter: Parameters<DeadLetters["page"]>[0]) =>
      keysOf((await deadLetters.page({ limit: 1000, ...filter })).items);
    expect(await by({ filter: { consumer: "find__other-v1" } })).toHaveLength(5);
    expect(await by({ filter: { eventType: "payment.failed" } })).toHaveLength(5);
    expect(await by({ filter: { stream: "LEDGER", service: "find" } })).toHaveLength(35);
    expect(await by({ filter: { stream: "NOPE" } })).toEqual([]);
    expect(await by({ filter: { error: "declined" } })).toHaveLength(5);
    expect(await by({ filter: { error: "NOT FOUND" } })).toHaveLength(31);
    const window = await by({
      filter: {
        service: "find",
        from: new Date(Date.UTC(2026, 0, 1, 0, 10)),
        to: new Date(Date.UTC(2026, 0, 1, 0, 12)),
      },
    });
    expect(window).toEqual(["find-nf-12", "find-nf-11", "find-nf-10"]);
  });

  it("groups alike failures by service, consumer and normalized error", async () => {
    const { groups, total } = await deadLetters.groups({ service: "find" });
    expect(total).toBe(35);
    expect(groups.map((g) => [g.count, g.errorPattern])).toEqual([
      [30, "order <n> not found"],
      [5, "Card <str> DECLINED"],
    ]);
    const [notFound, cards] = groups;
    expect(notFound).toMatchObject({
      service: "find",
      consumer: "find__entry-recorded-v1",
      sampleError: "order 1029 not found",
      firstFailedAt: "2026-01-01T00:00:00.000Z",
      lastFailedAt: "2026-01-01T00:29:00.000Z",
      eventTypes: ["entry.recorded"],
    });
    expect(cards?.eventTypes).toEqual(["payment.failed"]);
    // The key is a filter: the same group, and not the other service's alike failure.
    const inGroup = await deadLetters.page({ filter: { groupKey: notFound?.key ?? "" }, limit: 1000 });
    expect(inGroup.items).toHaveLength(30);
    const all = await deadLetters.groups();
    expect(all.groups.filter((g) => g.errorPattern === "order <n> not found")).toHaveLength(2);
  });
});

describe("bulk replay and discard", () => {
  it("replays every match across the whole stream, counting what another operator took first", async () => {
    for (let i = 0; i < 250; i++)
      await writeLetter({ service: "bulk", error: `boom ${i}`, key: `bulk-${i}` });
    await writeLetter({ service: "bulk", error: "keep me", key: "bulk-keep" });
    // Another operator replays one of a batch after the run read it, before its turn: the run skips it.
    let taken: number | undefined;
    const racing: DeadLetters = {
      ...deadLetters,
      async *scan(filter, options) {
        for await (const batch of deadLetters.scan(filter, options)) {
          if (taken === undefined) {
            taken = batch[10]?.id ?? 0;
            await deadLetters.replay(taken);
          }
          yield batch;
        }
      },
    };
    const progress: number[] = [];
    const counts = await runDeadLetterBulk({
      deadLetters: racing,
      action: "replay",
      filter: { service: "bulk", error: "boom" },
      onProgress: (c) => {
        progress.push(c.done + c.skipped + c.failed);
      },
    });
    expect(counts.matched).toBe(250);
    expect(counts.failed).toBe(0);
    expect(counts.skipped).toBe(1);
    expect(counts.done).toBe(249);
    expect(progress.at(-1)).toBe(250);
    expect(await deadLetters.page({ filter: { service: "bulk", error: "boom" } })).toEqual({
      items: [],
      nextCursor: null,
    });
    expect(keysOf((await deadLetters.page({ filter: { service: "bulk" } })).items)).toEqual(["bulk-keep"]);
    const ledger = await jsm.streams.info(LEDGER.name);
    expect(ledger.state.messages).toBeGreaterThanOrEqual(250);
  });

  it("discards by filter, and stops when every letter fails", async () => {
    for (let i = 0; i < 4; i++) await writeLetter({ service: "drop", error: "junk", key: `drop-${i}` });
    const counts = await runDeadLetterBulk({ deadLetters, action: "discard", filter: { service: "drop" } });
    expect(counts).toEqual({ matched: 4, done: 4, failed: 0, skipped: 0 });
    expect((await deadLetters.page({ filter: { service: "drop" } })).items).toEqual([]);

    // Replays to a subject no stream captures fail; the run gives up after a few in a row.
    for (let i = 0; i < 5; i++)
      await js.publish("dlq.lost.evt.gone.v1", "{}", {
        headers: makeHeaders({ [H.dlqService]: "lost", [H.dlqSubject]: "evt.gone.v1", [H.dlqError]: "x" }),
      });
    await expect(
      runDeadLetterBulk({
        deadLetters,
        action: "replay",
        filter: { service: "lost" },
        concurrency: 1,
        maxConsecutiveFailures: 3,
      }),
    ).rejects.toMatchObject({ name: "DeadLetterBulkStopped", counts: { matched: 5, failed: 3, done: 0 } });
    expect((await deadLetters.page({ filter: { service: "lost" } })).items).toHaveLength(5);
  });
});

// A consumer of a real contract event (edit-replay validates against the contracts' catalog).
const greeted = sqliteTable("greeted", {
  eventId: text("event_id").primaryKey(),
  name: text("name").notNull(),
});
const greeterDecl = declareService({
  name: "greeter",
  version: "1.0.0",
  description: "Greets new users (dead-letter edit test)",
  store: {
    schema: { greeted },
    modules: [
      {
        name: "greeter",
        migrations: ["CREATE TABLE greeted (event_id TEXT PRIMARY KEY, name TEXT NOT NULL)"],
      },
    ],
  },
});
const greeterService = greeterDecl.define({
  consumes: [
    greeterDecl.on(users.userRegistered, (event, ctx) => {
      if (event.data.name === "Poison") throw new Error(`cannot greet user ${event.data.userId}`);
      ctx.tx.run(sql`INSERT INTO greeted (event_id, name) VALUES (${event.id}, ${event.data.name})`);
    }),
  ],
});

describe("edit and replay", () => {
  let greeter: TestService;

  beforeAll(async () => {
    greeter = await startTestService(greeterService, {
      natsUrl: nats.url,
      env: { CONSUMER_MAX_DELIVER: "2", CONSUMER_BACKOFF_MS: "20" },
    });
  });

  afterAll(async () => {
    await greeter?.stop();
  });

  const rows = () => greeter.runtime.db.select().from(greeted).all();

  it("republishes the corrected event under its own id, recording the edit, and removes the dead letter", async () => {
    const envelope = {
      id: "evt-edit-1",
      type: "user.registered",
      version: 1,
      occurredAt: new Date().toISOString(),
      source: "users",
      data: { userId: "u-1", email: "a@b.test", name: "Poison", role: "customer" },
    };
    await js.publish(users.userRegistered.subject, JSON.stringify(envelope), { msgID: envelope.id });
    const letter = await vi.waitFor(
      async () => {
        const found = (await deadLetters.page({ filter: { service: "greeter" } })).items[0];
        expect(found).toBeDefined();
        return found as DeadLetter;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(letter.error).toContain("cannot greet user");

    await expect(
      deadLetters.editReplay(letter.id, { data: { ...envelope.data, email: 42 }, editedBy: "op-1" }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "data.email" }] });
    const bad = await deadLetters
      .editReplay(letter.id, { data: { ...envelope.data, role: "s3cr3t-value" }, editedBy: "op-1" })
      .catch((err: unknown) => err);
    expect(JSON.stringify(bad)).not.toContain("s3cr3t-value");
    expect(String(bad)).not.toContain("s3cr3t-value");

    // A first edit that does not fix it: the consumer fails again, and the new dead letter says it was edited.
    await deadLetters.editReplay(letter.id, {
      data: { ...envelope.data, email: "b@c.test" },
      editedBy: "op-0",
    });
    const again = await vi.waitFor(
      async () => {
        const found = (await deadLetters.page({ filter: { service: "greeter" } })).items[0];
        expect(found).toBeDefined();
        expect(found?.id).not.toBe(letter.id);
        return found as DeadLetter;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(again).toMatchObject({ eventId: "evt-edit-1", edited: { by: "op-0", at: expect.any(String) } });
    expect(again.payload).toMatchObject({ data: { email: "b@c.test" } });

    const result = await deadLetters.editReplay(again.id, {
      data: { ...envelope.data, name: "Fixed" },
      editedBy: "op-1",
    });
    expect(result).toMatchObject({ id: again.id, eventId: "evt-edit-1", editedBy: "op-1" });
    await vi.waitFor(() => expect(rows()).toEqual([{ eventId: "evt-edit-1", name: "Fixed" }]), {
      timeout: 10_000,
      interval: 50,
    });
    const sent = await jsm.streams.getMessage(USERS_STREAM.name, { seq: result.streamSeq });
    expect(sent?.header.get(EDITED_BY_HEADER)).toBe("op-1");
    expect(sent?.header.get(EDITED_AT_HEADER)).toBe(result.editedAt);
    expect(sent?.json<typeof envelope>()).toMatchObject({
      id: "evt-edit-1",
      occurredAt: envelope.occurredAt,
    });
    await expect(deadLetters.get(again.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(
      deadLetters.editReplay(again.id, { data: envelope.data, editedBy: "op-1" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses to edit what is not a known event's envelope", async () => {
    await js.publish("dlq.greeter.evt.user.registered.v1", "{garbage", {
      headers: makeHeaders({ [H.dlqService]: "greeter", [H.dlqSubject]: "evt.user.registered.v1" }),
    });
    await writeLetter({ service: "unknown-type", error: "x", key: "unknown-1" });
    const [garbage] = (await deadLetters.page({ filter: { service: "greeter" } })).items;
    const [unknown] = (await deadLetters.page({ filter: { service: "unknown-type" } })).items;
    for (const letter of [garbage, unknown])
      await expect(
        deadLetters.editReplay(letter?.id ?? 0, { data: {}, editedBy: "op-1" }),
      ).rejects.toMatchObject({ code: "UNPROCESSABLE", reason: "NOT_AN_EVENT" });
  });
});
