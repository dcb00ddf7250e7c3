import { defineEvent, defineStream, type StreamContract } from "@bazaar/contracts";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entryRecorded, LEDGER } from "../fixtures/ledger-services.js";
import { type ReplayProgress, replayEvents, type SkippedMessage } from "./replay.js";
import { ensureStream } from "./streams.js";

const streamOf = (name: string, subject: string): StreamContract =>
  defineStream({ name, owner: "t", subjects: [subject], description: `${name} (replay test)` });
const eventOn = (stream: StreamContract, type: string) =>
  defineEvent({
    type,
    version: 1,
    publisher: "t",
    stream,
    description: "replay test event",
    data: v.object({ n: v.number() }),
  });
const MIXED = streamOf("MIXED", "evt.mixed.>");
const mixed = eventOn(MIXED, "mixed.happened");
const HISTORY = streamOf("HISTORY", "evt.history.>");
const recorded = eventOn(HISTORY, "history.recorded");
const EMPTY = streamOf("EMPTY", "evt.empty.>");
const nothing = eventOn(EMPTY, "empty.happened");
const envelope = (id: string, data: unknown) => ({
  id,
  type: id.startsWith("h") ? "history.recorded" : "mixed.happened",
  version: 1,
  occurredAt: new Date().toISOString(),
  source: "t",
  data,
});

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
      events: [entryRecorded],
      onEvent: (envelope) => {
        seen.push(envelope.id);
      },
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({ processed: 1200, total: 1200, skipped: 0 });
    expect(seen).toEqual(Array.from({ length: 1200 }, (_, i) => `e${i}`));
    expect(progress.map((p) => p.processed)).toEqual([500, 1000, 1200]);
  });

  it("validates every message against its contract: skips, counts and names the invalid ones", async () => {
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, MIXED);
    const js = jetstream(nc);
    await js.publish(mixed.subject, JSON.stringify(envelope("ok-1", { n: 1 })));
    await js.publish(mixed.subject, "{not json");
    // Valid JSON, wrong shape: what crashed the order-views rebuild before replays validated.
    await js.publish(mixed.subject, JSON.stringify({ ...envelope("bad-1", {}), data: undefined }));
    await js.publish(mixed.subject, JSON.stringify(envelope("bad-2", { n: "secret-value" })));
    await js.publish(mixed.subject, JSON.stringify(envelope("ok-2", { n: 2 })));
    const seen: string[] = [];
    const skips: SkippedMessage[] = [];
    const result = await replayEvents({
      js,
      jsm,
      events: [mixed],
      onEvent: (e, meta) => {
        expect(meta.event).toBe(mixed);
        seen.push(e.id);
      },
      onSkip: (s) => skips.push(s),
    });
    expect(seen).toEqual(["ok-1", "ok-2"]);
    expect(result).toMatchObject({ processed: 5, total: 5, skipped: 3 });
    expect(skips.map((s) => [s.stream, s.seq, s.subject])).toEqual([
      ["MIXED", 2, mixed.subject],
      ["MIXED", 3, mixed.subject],
      ["MIXED", 4, mixed.subject],
    ]);
    expect(skips[0]?.reason).toBe("not JSON");
    expect(skips[1]?.reason).toMatch(/^invalid mixed\.happened v1: data/);
    expect(skips[2]?.reason).toMatch(/^invalid mixed\.happened v1: data\.n: /);
    expect(JSON.stringify(skips)).not.toContain("secret-value");
  });

  it("says the history is incomplete once any message aged out, also when every one did", async () => {
    const jsm = await jetstreamManager(nc);
    const js = jetstream(nc);
    await ensureStream(jsm, HISTORY);
    const replay = () => replayEvents({ js, jsm, events: [recorded], onEvent: () => {} });
    // Never written to: nothing is missing.
    expect(await replay()).toMatchObject({ complete: true, streams: [{ stream: "HISTORY", firstSeq: 0 }] });
    for (let i = 1; i <= 3; i++)
      await js.publish(recorded.subject, JSON.stringify(envelope(`h${i}`, { n: i })));
    expect(await replay()).toMatchObject({ processed: 3, complete: true, streams: [{ firstSeq: 1 }] });
    await jsm.streams.purge(HISTORY.name, { seq: 2 });
    expect(await replay()).toMatchObject({ processed: 2, complete: false, streams: [{ firstSeq: 2 }] });
    // Everything aged out: no messages, first_seq = last_seq + 1. Still incomplete, not "empty".
    await jsm.streams.purge(HISTORY.name, { seq: 4 });
    expect(await replay()).toMatchObject({
      processed: 0,
      complete: false,
      streams: [{ stream: "HISTORY", messages: 0, firstSeq: 4, lastSeq: 3, complete: false }],
    });
  });

  it("returns at once for an empty source", async () => {
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, EMPTY);
    expect(
      await replayEvents({ js: jetstream(nc), jsm, events: [nothing], onEvent: () => {} }),
    ).toMatchObject({ processed: 0, total: 0, skipped: 0, complete: true });
  });
});
