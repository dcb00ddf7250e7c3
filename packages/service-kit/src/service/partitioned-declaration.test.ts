import { defineEvent, defineRpc, defineStream } from "@bazaar/contracts";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { declareService } from "./declare-service.js";

const things = sqliteTable("things", { id: text("id").primaryKey(), n: integer("n").notNull() });
const store = {
  schema: { things },
  modules: [
    { name: "things", migrations: ["CREATE TABLE things (id TEXT PRIMARY KEY, n INTEGER NOT NULL)"] },
  ],
};
const stream = defineStream({ name: "PARTS", owner: "parts", subjects: ["evt.part.>"], description: "p" });
const Data = v.object({ partId: v.string() });
const keyedEvent = defineEvent({
  type: "part.made",
  version: 1,
  publisher: "parts",
  stream,
  description: "k",
  data: Data,
  partitionKey: (d) => d.partId,
});
const unkeyedEvent = defineEvent({
  type: "part.seen",
  version: 1,
  publisher: "parts",
  stream,
  description: "u",
  data: Data,
});
const rpc = (name: string, extra: object) =>
  defineRpc({
    service: "things",
    name,
    description: name,
    request: v.object({ partId: v.string() }),
    response: v.object({}),
    ...extra,
  });

describe("a partitioned declaration", () => {
  const svc = declareService({
    name: "things",
    version: "1.0.0",
    description: "t",
    store,
    partitioned: true,
  });

  it("serves keyed and gathered calls, and consumes keyed events", () => {
    const def = svc.define({
      serves: [
        svc.handle(rpc("one", { partitionKey: (r: { partId: string }) => r.partId }), () => ({})),
        svc.handle(rpc("all", { gather: { merge: () => ({}) } }), () => ({})),
      ],
      consumes: [svc.on(keyedEvent, () => undefined)],
    });
    expect(def.partitioned).toBe(true);
  });

  it("refuses a call with neither a key nor a gather, and an event without a key", () => {
    expect(() => svc.define({ serves: [svc.handle(rpc("loose", {}), () => ({}))] })).toThrow(
      /rpc\.things\.loose must name its partitionKey/,
    );
    expect(() => svc.define({ consumes: [svc.on(unkeyedEvent, () => undefined)] })).toThrow(
      /part\.seen v1 must name its partitionKey \(or be applied by every partition, everyPartition\)/,
    );
  });

  it("refuses a partitioned service without a store", () => {
    const bare = declareService({ name: "things", version: "1.0.0", description: "t", partitioned: true });
    expect(() => bare.define({})).toThrow(/declares no store/);
  });
});
