import { startTestNats, type TestNats } from "@bazaar/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryRecorded, LEDGER } from "../fixtures/ledger-services.js";
import { type ReplayProgress, replayEvents } from "./replay.js";
import { ensureStream } from "./streams.js";

let nats: TestNats;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url });
});

afterAll(async () => {
  await nc?.close();
  await nats?.dispose();
});

describe("ensureStream", () => {
  it("creates, leaves alone, and updates a stream without losing messages", async () => {
    const jsm = await jetstreamManager(nc);
    expect(await ensureStream(jsm, LEDGER)).toBe("created");
    expect(await ensureStream(jsm, LEDGER)).toBe("unchanged");
    await jetstream(nc).publish(entryRecorded.subject, "{}");
    expect(await ensureStream(jsm, { ...LEDGER, description: "changed", maxAgeMs: 60 * 60_000 })).toBe(
      "updated",
    );
    const info = await jsm.streams.info(LEDGER.name);
    expect(info.config.description).toBe("changed");
    expect(info.state.messages).toBe(1);
    await jsm.streams.purge(LEDGER.name);
  });
});

describe("replayEvents", () => {
  it("reads a stream from the first message in order, reports progress and stops when caught up", async () => {
    const js = jetstream(nc);
    for (let i = 0; i < 1200; i++) {
      await js.publish(
        entryRecorded.subject,
        JSON.stringify({
          id: `e${i}`,
          type: "entry.recorded",
          version: 1,
          occurredAt: new Date().toISOString(),
          source: "t",
          data: { entryId: `e${i}`, amount: 1 },
        }),
      );
    }
    const seen: string[] = [];
    const progress: ReplayProgress[] = [];
    const result = await replayEvents({
      js,
      jsm: await jetstreamManager(nc),
      sources: [{ stream: LEDGER.name, subjects: [entryRecorded.subject] }],
      onEvent: (envelope) => {
        seen.push(envelope.id);
      },
      onProgress: (p) => progress.push(p),
    });
    expect(result).toEqual({ processed: 1200, total: 1200, skipped: 0 });
    expect(seen).toEqual(Array.from({ length: 1200 }, (_, i) => `e${i}`));
    expect(progress.map((p) => p.processed)).toEqual([500, 1000, 1200]);
  });

  it("skips a message that is not JSON instead of failing the whole replay", async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "MIXED", subjects: ["mixed.>"] });
    const js = jetstream(nc);
    await js.publish("mixed.a", JSON.stringify({ id: "ok-1" }));
    await js.publish("mixed.a", "{not json");
    await js.publish("mixed.a", JSON.stringify({ id: "ok-2" }));
    const seen: string[] = [];
    const result = await replayEvents({
      js,
      jsm,
      sources: [{ stream: "MIXED" }],
      onEvent: (e) => void seen.push(e.id),
    });
    expect(seen).toEqual(["ok-1", "ok-2"]);
    expect(result).toEqual({ processed: 3, total: 3, skipped: 1 });
  });

  it("returns at once for an empty source", async () => {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "EMPTY", subjects: ["empty.>"] });
    expect(
      await replayEvents({ js: jetstream(nc), jsm, sources: [{ stream: "EMPTY" }], onEvent: () => {} }),
    ).toEqual({ processed: 0, total: 0, skipped: 0 });
  });
});
