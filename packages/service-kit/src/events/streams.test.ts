import { DEAD_LETTER_STREAM, defineStream } from "@bazaar/contracts";
import { startTestNats, type TestNats } from "@bazaar/testing";
import {
  DiscardPolicy,
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
} from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isBackPressure } from "./publish-failure.js";
import { ensureStream, streamConfig } from "./streams.js";

let nats: TestNats;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

beforeAll(async () => {
  nats = await startTestNats();
  nc = await connect({ servers: nats.url });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  await nc?.close();
  await nats?.dispose();
});

const SMALL = defineStream({
  name: "SMALL",
  owner: "streams-test",
  subjects: ["evt.small.>"],
  description: "A small stream (streams test)",
  maxBytes: 2048,
});

describe("streams discard new messages when full", () => {
  it("switches a stream made with discard old to discard new in place, keeping its messages", async () => {
    // As an earlier version of the kit created it.
    await jsm.streams.add({ ...streamConfig(SMALL), discard: DiscardPolicy.Old });
    for (let i = 0; i < 5; i++) await js.publish("evt.small.thing.v1", `kept-${i}`);

    expect(await ensureStream(jsm, SMALL)).toBe("updated");
    const info = await jsm.streams.info(SMALL.name);
    expect(info.config.discard).toBe(DiscardPolicy.New);
    expect(info.state).toMatchObject({ messages: 5, first_seq: 1, last_seq: 5 });
    expect(await ensureStream(jsm, SMALL)).toBe("unchanged");
  });

  it("refuses a publish to a full stream instead of deleting its oldest message", async () => {
    let refused: unknown;
    for (let i = 0; i < 100 && refused === undefined; i++) {
      await js.publish("evt.small.thing.v1", "z".repeat(100)).catch((err: unknown) => {
        refused = err;
      });
    }
    expect(isBackPressure(refused)).toBe(true);
    const state = (await jsm.streams.info(SMALL.name)).state;
    expect(state.first_seq).toBe(1);
    const first = await jsm.streams.getMessage(SMALL.name, { seq: 1 });
    expect(first ? new TextDecoder().decode(first.data) : undefined).toBe("kept-0");
  });

  it("keeps dead letters with no age limit", async () => {
    expect(await ensureStream(jsm, DEAD_LETTER_STREAM)).toBe("created");
    const config = (await jsm.streams.info(DEAD_LETTER_STREAM.name)).config;
    expect(config).toMatchObject({ max_age: 0, discard: DiscardPolicy.New });
  });
});
