import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { ALL_EVENTS, findEvent } from "./catalog.js";
import { envelopeSchema } from "./envelope.js";

/**
 * Every event version keeps sample payloads in `fixtures/<type>.v<version>/`. Deployed consumers parse
 * payloads shaped like these, so a schema change that rejects any of them would break a consumer in
 * production: it fails here first. Breaking changes go into a new version instead.
 */
const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

describe("event compatibility", () => {
  it.each(ALL_EVENTS.map((e) => [`${e.type}.v${e.version}`, e] as const))(
    "%s has fixtures and accepts all of them",
    (folder, event) => {
      const dir = join(fixturesDir, folder);
      expect(existsSync(dir), `add sample payloads to fixtures/${folder}/`).toBe(true);
      const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
      expect(files.length).toBeGreaterThan(0);
      const schema = envelopeSchema(event);
      for (const file of files) {
        const result = v.safeParse(schema, JSON.parse(readFileSync(join(dir, file), "utf8")));
        expect(
          result.issues?.map((i) => `${v.getDotPath(i)}: ${i.message}`) ?? [],
          `${folder}/${file}`,
        ).toEqual([]);
      }
    },
  );

  it("keeps no fixtures for an event version that no longer exists (removing a version breaks its consumers)", () => {
    for (const folder of readdirSync(fixturesDir)) {
      const match = /^(.+)\.v(\d+)$/.exec(folder);
      expect(match, folder).not.toBeNull();
      expect(
        findEvent(match?.[1] ?? "", Number(match?.[2])),
        `fixtures/${folder} has no event contract`,
      ).toBeDefined();
    }
  });

  it("accepts envelopes with and without a per-aggregate sequence, and refuses a malformed one", () => {
    const event = findEvent("order.confirmed", 1);
    if (!event) throw new Error("order.confirmed.v1 missing");
    const schema = envelopeSchema(event);
    const read = (file: string) =>
      JSON.parse(readFileSync(join(fixturesDir, "order.confirmed.v1", file), "utf8")) as Record<
        string,
        unknown
      >;
    const legacy = read("01.json");
    const sequenced = read("02-sequenced.json");
    expect(legacy.aggregate).toBeUndefined();
    expect(v.parse(schema, sequenced).aggregate).toEqual({ key: "o-1", seq: 2 });
    expect(v.parse(schema, legacy).aggregate).toBeUndefined();
    for (const aggregate of [
      { key: "o-1", seq: 0 },
      { key: "", seq: 1 },
      { key: "o-1", seq: 1.5 },
      { seq: 1 },
    ])
      expect(v.safeParse(schema, { ...sequenced, aggregate }).success, JSON.stringify(aggregate)).toBe(false);
  });

  it("catches a breaking change: a required field added to a schema rejects the old fixtures", () => {
    const event = findEvent("order.placed", 1);
    if (!event) throw new Error("order.placed.v1 missing");
    const stricter = envelopeSchema({
      ...event,
      data: v.object({
        ...(event.data as v.ObjectSchema<v.ObjectEntries, undefined>).entries,
        couponCode: v.string(),
      }),
    });
    const fixture = JSON.parse(readFileSync(join(fixturesDir, "order.placed.v1", "01.json"), "utf8"));
    expect(v.safeParse(stricter, fixture).success).toBe(false);
  });
});
