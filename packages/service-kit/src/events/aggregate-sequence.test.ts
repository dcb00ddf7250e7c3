import type { EventEnvelope } from "@bazaar/contracts";
import { tempSqliteFile } from "@bazaar/testing";
import { afterAll, describe, expect, it } from "vitest";
import { entryRecorded } from "../fixtures/ledger-services.js";
import { openStore } from "../store/open-store.js";
import { EventValidationError } from "./envelope.js";
import { createOutboxWriter } from "./outbox.js";

const file = tempSqliteFile();
const store = openStore({ file: file.path, schema: {} });
const outbox = createOutboxWriter({ sqlite: store.sqlite, source: "ledger" });
const inTx = <T>(fn: () => T): T => store.sqlite.transaction(fn)();
const emit = (entryId: string, aggregate?: string) =>
  inTx(() =>
    outbox.emit(entryRecorded, { entryId, amount: 1 }, aggregate === undefined ? undefined : { aggregate }),
  );
const recorded = (): EventEnvelope[] =>
  store.sqlite
    .prepare<[], { payload: string }>("SELECT payload FROM kit_outbox ORDER BY seq")
    .all()
    .map((r) => JSON.parse(r.payload) as EventEnvelope);

afterAll(() => {
  store.close();
  file.dir.dispose();
});

describe("per-aggregate sequence", () => {
  it("numbers a service's events about each aggregate from 1, in commit order, in the recorded envelope", () => {
    expect(emit("a1", "order-a").aggregate).toEqual({ key: "order-a", seq: 1 });
    expect(emit("b1", "order-b").aggregate).toEqual({ key: "order-b", seq: 1 });
    expect(emit("a2", "order-a").aggregate).toEqual({ key: "order-a", seq: 2 });
    const both = inTx(() => [
      outbox.emit(entryRecorded, { entryId: "a3", amount: 1 }, { aggregate: "order-a" }),
      outbox.emit(entryRecorded, { entryId: "a4", amount: 1 }, { aggregate: "order-a" }),
    ]);
    expect(both.map((e) => e.aggregate?.seq)).toEqual([3, 4]);
    // What the relay publishes is the stored payload: consumers see the same numbers.
    expect(recorded().map((e) => [e.data, e.aggregate])).toEqual([
      [
        { entryId: "a1", amount: 1 },
        { key: "order-a", seq: 1 },
      ],
      [
        { entryId: "b1", amount: 1 },
        { key: "order-b", seq: 1 },
      ],
      [
        { entryId: "a2", amount: 1 },
        { key: "order-a", seq: 2 },
      ],
      [
        { entryId: "a3", amount: 1 },
        { key: "order-a", seq: 3 },
      ],
      [
        { entryId: "a4", amount: 1 },
        { key: "order-a", seq: 4 },
      ],
    ]);
  });

  it("gives a rolled-back transaction's number back, so the sequence has no gap", () => {
    expect(() =>
      inTx(() => {
        outbox.emit(entryRecorded, { entryId: "lost", amount: 1 }, { aggregate: "order-c" });
        throw new Error("the state change failed");
      }),
    ).toThrow("the state change failed");
    expect(emit("c1", "order-c").aggregate).toEqual({ key: "order-c", seq: 1 });
  });

  it("leaves an event without an aggregate unsequenced, and refuses an unusable key", () => {
    const plain = emit("plain");
    expect(plain.aggregate).toBeUndefined();
    expect(recorded().at(-1)).not.toHaveProperty("aggregate");
    expect(() => emit("empty-key", "")).toThrow(EventValidationError);
    expect(() => emit("long-key", "k".repeat(201))).toThrow(EventValidationError);
  });

  it("continues the numbering after the file is reopened", () => {
    const again = openStore({ file: file.path, schema: {} });
    try {
      const writer = createOutboxWriter({ sqlite: again.sqlite, source: "ledger" });
      const envelope = again.sqlite.transaction(() =>
        writer.emit(entryRecorded, { entryId: "a5", amount: 1 }, { aggregate: "order-a" }),
      )();
      expect(envelope.aggregate).toEqual({ key: "order-a", seq: 5 });
    } finally {
      again.close();
    }
  });
});
