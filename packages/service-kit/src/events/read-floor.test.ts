import { defineEvent, defineStream } from "@bazaar/contracts";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { sql } from "drizzle-orm";
import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { declareService } from "../service/declare-service.js";
import {
  type CapturedLogs,
  captureLogs,
  startTestService,
  type TestService,
} from "../testing/start-test-service.js";
import { floorCheckInterval } from "./read-floor.js";

// Messages leave this stream after 2 s, as they leave the real ones after 30 days.
const BRIEF = defineStream({
  name: "BRIEF",
  owner: "brief",
  subjects: ["evt.brief.>"],
  description: "Short-lived notes (read floor test)",
  maxAgeMs: 2000,
  duplicateWindowMs: 1000,
});
const briefNoted = defineEvent({
  type: "brief.noted",
  version: 1,
  publisher: "brief",
  stream: BRIEF,
  description: "A note the reader reads",
  data: v.object({ id: v.string() }),
});
const briefIgnored = defineEvent({
  type: "brief.ignored",
  version: 1,
  publisher: "brief",
  stream: BRIEF,
  description: "A note the reader does not subscribe to",
  data: v.object({ id: v.string() }),
});

const briefDecl = declareService({
  name: "brief",
  version: "1.0.0",
  description: "Emits notes (read floor test)",
  store: { schema: {} },
  emits: [briefNoted, briefIgnored],
});
const briefService = briefDecl.define({});

const notes = sqliteTable("notes", { id: text("id").primaryKey() });
const readerDecl = declareService({
  name: "reader",
  version: "1.0.0",
  description: "Reads notes (read floor test)",
  store: {
    schema: { notes },
    modules: [{ name: "reader", migrations: ["CREATE TABLE notes (id TEXT PRIMARY KEY)"] }],
  },
});
const readerService = readerDecl.define({
  consumes: [
    readerDecl.on(briefNoted, (event, ctx) => {
      ctx.tx.insert(notes).values({ id: event.data.id }).run();
    }),
  ],
});

let nats: TestNats;
let brief: TestService;

beforeAll(async () => {
  nats = await startTestNats();
  brief = await startTestService(briefService, { natsUrl: nats.url });
});

afterAll(async () => {
  await brief?.stop();
  await nats?.dispose();
});

const noted = (ids: string[]): void =>
  brief.runtime.transaction((_tx, outbox) => {
    for (const id of ids) outbox.emit(briefNoted, { id });
  });
const ignored = (ids: string[]): void =>
  brief.runtime.transaction((_tx, outbox) => {
    for (const id of ids) outbox.emit(briefIgnored, { id });
  });
const has = (svc: TestService, id: string): boolean =>
  (svc.runtime.db.select({ n: sql<number>`count(*)` }).from(notes).where(sql`id = ${id}`).get()?.n ?? 0) ===
  1;
const lostMetric = async (svc: TestService): Promise<number> => {
  const text = await (await fetch(`${svc.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith("bazaar_consumer_lost_events_total{"));
  return line ? Number(line.split(" ").at(-1)) : 0;
};
const lossAlarms = (logs: CapturedLogs): Array<Record<string, unknown>> =>
  logs.lines().filter((l) => l.level === 50 && String(l.msg).startsWith("events left the stream"));
const streamEmpty = (): Promise<void> =>
  vi.waitFor(
    async () => expect((await brief.runtime.nats.jsm.streams.info(BRIEF.name)).state.messages).toBe(0),
    { timeout: 10_000, interval: 100 },
  );

describe("the alarm on events that left a stream before a consumer read them", () => {
  it("reports the events that aged out while the consumer was down", async () => {
    const firstLogs = captureLogs();
    let reader = await startTestService(readerService, { natsUrl: nats.url, logs: firstLogs });
    noted(["read-1"]);
    await vi.waitFor(() => expect(has(reader, "read-1")).toBe(true), { timeout: 10_000, interval: 50 });
    const dataDir = reader.dataDir;
    await reader.stopKeepingData();

    noted(["missed-1", "missed-2", "missed-3"]);
    await streamEmpty();
    noted(["fresh-1"]);

    const logs = captureLogs();
    reader = await startTestService(readerService, { natsUrl: nats.url, dataDir, logs });
    try {
      await vi.waitFor(() => expect(has(reader, "fresh-1")).toBe(true), { timeout: 10_000, interval: 50 });
      expect(await lostMetric(reader)).toBe(3);
      const [alarm, ...more] = lossAlarms(logs);
      expect(more).toHaveLength(0);
      expect(alarm).toMatchObject({ consumer: "reader__brief-noted-v1", stream: "BRIEF", upTo: 3 });
      expect(lossAlarms(firstLogs)).toHaveLength(0);
      expect(has(reader, "missed-1")).toBe(false);
    } finally {
      await reader.stop();
    }
  });

  it("stays quiet for a consumer that had nothing to read while other subjects' messages aged out", async () => {
    const logs = captureLogs();
    const reader = await startTestService(readerService, { natsUrl: nats.url, logs });
    try {
      noted(["quiet-1"]);
      await vi.waitFor(() => expect(has(reader, "quiet-1")).toBe(true), { timeout: 10_000, interval: 50 });
      ignored(["other-1", "other-2", "other-3", "other-4"]);
      await streamEmpty();
      // A few more checks of the floor, then a restart, which checks it before consuming.
      await new Promise((r) => setTimeout(r, floorCheckInterval(BRIEF.maxAgeMs) * 2));
      const dataDir = reader.dataDir;
      await reader.stopKeepingData();
      const again = await startTestService(readerService, { natsUrl: nats.url, dataDir, logs });
      try {
        noted(["quiet-2"]);
        await vi.waitFor(() => expect(has(again, "quiet-2")).toBe(true), { timeout: 10_000, interval: 50 });
        expect(await lostMetric(again)).toBe(0);
        expect(lossAlarms(logs)).toHaveLength(0);
      } finally {
        await again.stop();
      }
    } finally {
      await reader.stop();
    }
  });
});
