import { defineEvent, defineStream } from "@bazaar/contracts";
import { startTestNats, type TestNats, tempSqliteFile } from "@bazaar/testing";
import { type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { Registry } from "prom-client";
import * as v from "valibot";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "../logging/logger.js";
import { openStore, type Store } from "../store/open-store.js";
import { captureLogs } from "../testing/start-test-service.js";
import { createOutboxWriter, type Emitter } from "./outbox.js";
import { OutboxRelay } from "./outbox-relay.js";
import { ensureStream } from "./streams.js";

const TINY = defineStream({
  name: "TINY",
  owner: "relay-test",
  subjects: ["evt.tiny.>"],
  description: "A stream that fills up after a few events (relay test)",
  maxBytes: 4096,
});
const tinyHappened = defineEvent({
  type: "tiny.happened",
  version: 1,
  publisher: "relay-test",
  stream: TINY,
  description: "Something small happened",
  data: v.object({ n: v.number(), note: v.optional(v.string()) }),
});
// Declared on TINY, but TINY does not capture its subject: no stream does.
const strayHappened = defineEvent({
  type: "stray.happened",
  version: 1,
  publisher: "relay-test",
  stream: TINY,
  description: "An event whose subject no stream captures",
  data: v.object({ n: v.number() }),
});
const STRAYS = defineStream({
  name: "STRAYS",
  owner: "relay-test",
  subjects: ["evt.stray.>"],
  description: "Added later by an operator (relay test)",
});

let nats: TestNats;
let nc: NatsConnection;
let jsm: JetStreamManager;
const cleanups: Array<() => Promise<void> | void> = [];

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
});

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

afterAll(async () => {
  await nc?.close();
  await nats?.dispose();
});

async function startRelay(): Promise<{
  relay: OutboxRelay;
  store: Store<Record<string, never>>;
  emit: (fn: (outbox: Emitter) => void) => void;
  registry: Registry;
  logs: ReturnType<typeof captureLogs>;
}> {
  const file = tempSqliteFile("relay.db");
  const store = openStore({ file: file.path, schema: {} });
  const registry = new Registry();
  const logs = captureLogs();
  const log = createLogger({ service: "relay-test", instance: "t", level: "info", destination: logs.stream });
  const relay = new OutboxRelay({ sqlite: store.sqlite, js: jetstream(nc), log, registry, sweepMs: 50 });
  const writer = createOutboxWriter({ sqlite: store.sqlite, source: "relay-test" });
  relay.start();
  cleanups.push(async () => {
    await relay.stop(0);
    store.close();
    file.dir.dispose();
  });
  const emit = (fn: (outbox: Emitter) => void): void => {
    store.sqlite.transaction(() => fn(writer))();
    relay.notify();
  };
  return { relay, store, emit, registry, logs };
}

const gauge = async (registry: Registry, name: string): Promise<number> =>
  (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? Number.NaN;

describe("a full stream", () => {
  it("refuses new events, which wait in the outbox with an alert, and go out once there is room", async () => {
    await ensureStream(jsm, TINY);
    cleanups.push(async () => {
      await jsm.streams.delete(TINY.name);
    });
    const { relay, emit, registry, logs } = await startRelay();
    const note = "x".repeat(300);
    emit((outbox) => {
      for (let n = 1; n <= 40; n++) outbox.emit(tinyHappened, { n, note });
    });

    // Every event is either in the stream or still in the outbox: none was dropped to make room.
    await vi.waitFor(
      async () => {
        const { messages } = (await jsm.streams.info(TINY.name)).state;
        expect(messages + relay.stats().pending).toBe(40);
        expect(relay.stats().backPressure).toBe(true);
      },
      { timeout: 10_000, interval: 50 },
    );
    const full = await jsm.streams.info(TINY.name);
    expect(full.state.first_seq).toBe(1);
    expect(full.state.messages).toBeGreaterThan(0);
    expect(full.state.messages).toBeLessThan(40);
    expect(relay.stats().pending).toBe(40 - full.state.messages);
    expect(relay.stats().parked).toBe(0);
    expect(await gauge(registry, "bazaar_outbox_back_pressure")).toBe(1);
    expect(await gauge(registry, "bazaar_outbox_oldest_pending_age_seconds")).toBeGreaterThan(0);
    expect(logs.lines().some((l) => l.level === 50 && String(l.msg).startsWith("stream full"))).toBe(true);

    // An operator makes room: everything waiting goes out, once each, in order.
    await jsm.streams.update(TINY.name, { ...full.config, max_bytes: 1024 * 1024 });
    await vi.waitFor(() => expect(relay.stats().pending).toBe(0), { timeout: 15_000, interval: 50 });
    const after = await jsm.streams.info(TINY.name);
    expect(after.state.messages).toBe(40);
    expect(after.state.first_seq).toBe(1);
    expect(relay.stats().backPressure).toBe(false);
    expect(await gauge(registry, "bazaar_outbox_back_pressure")).toBe(0);
  });
});

describe("an event JetStream can never accept", () => {
  it("is parked, counted and logged, and the events behind it go on", async () => {
    await ensureStream(jsm, { ...TINY, maxBytes: 1024 * 1024 });
    cleanups.push(async () => {
      await jsm.streams.delete(TINY.name);
    });
    const { relay, emit, registry, logs, store } = await startRelay();
    emit((outbox) => {
      outbox.emit(tinyHappened, { n: 1 });
      outbox.emit(strayHappened, { n: 2 });
    });
    await vi.waitFor(async () => expect((await jsm.streams.info(TINY.name)).state.messages).toBe(1), {
      timeout: 10_000,
      interval: 50,
    });
    // Committed after the stray one failed: they must not wait behind it.
    emit((outbox) => {
      outbox.emit(tinyHappened, { n: 3 });
      // Larger than the server's max_payload (1 MiB by default).
      outbox.emit(tinyHappened, { n: 4, note: "y".repeat(1_100_000) });
    });
    emit((outbox) => outbox.emit(tinyHappened, { n: 5 }));

    await vi.waitFor(async () => expect((await jsm.streams.info(TINY.name)).state.messages).toBe(3), {
      timeout: 10_000,
      interval: 50,
    });
    await vi.waitFor(() => expect(relay.stats().parked).toBe(2), { timeout: 5000, interval: 50 });
    expect(relay.stats().pending).toBe(0);
    expect(await gauge(registry, "bazaar_outbox_parked")).toBe(2);
    const parked = store.sqlite
      .prepare("SELECT type, last_error AS error FROM kit_outbox WHERE parked_at IS NOT NULL ORDER BY seq")
      .all();
    expect(parked).toEqual([
      { type: "stray.happened", error: "no stream captures its subject" },
      { type: "tiny.happened", error: "larger than the server's max_payload" },
    ]);
    const alerts = logs
      .lines()
      .filter((l) => l.level === 50 && String(l.msg).startsWith("outbox event parked"));
    expect(alerts.map((l) => l.eventType)).toEqual(["stray.happened", "tiny.happened"]);

    // Once a stream captures the stray subject, a retry publishes it; the oversized one stays parked.
    await ensureStream(jsm, STRAYS);
    cleanups.push(async () => {
      await jsm.streams.delete(STRAYS.name);
    });
    expect(await relay.retryParked()).toBe(1);
    expect((await jsm.streams.info(STRAYS.name)).state.messages).toBe(1);
    expect(relay.stats().parked).toBe(1);
  });

  it("does not park anything while the broker is down", async () => {
    await ensureStream(jsm, { ...TINY, maxBytes: 1024 * 1024 });
    cleanups.push(async () => {
      await jsm.streams.delete(TINY.name);
    });
    const { relay, emit } = await startRelay();
    await nats.stop();
    emit((outbox) => {
      for (let n = 1; n <= 5; n++) outbox.emit(tinyHappened, { n });
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(relay.stats()).toMatchObject({ pending: 5, parked: 0 });
    await nats.restart();
    await vi.waitFor(() => expect(relay.stats().pending).toBe(0), { timeout: 20_000, interval: 100 });
    expect(relay.stats().parked).toBe(0);
  });
});
