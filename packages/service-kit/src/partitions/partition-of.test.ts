// partitionOf against nats-server's own subject mapping: the server computes `{{partition(n, i...)}}` for
// every published subject, and each delivered subject must carry the partition partitionOf computes.
import { randomBytes, randomUUID } from "node:crypto";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { partitionOf } from "./partition-of.js";

let nats: TestNats;
let nc: NatsConnection;

beforeAll(async () => {
  nats = await startTestNats({
    permissions: false,
    jetstream: false,
    config: [
      "mappings = {",
      '  "part.*": "mapped.{{partition(16,1)}}.{{wildcard(1)}}"',
      '  "few.*": "fewmapped.{{partition(3,1)}}.{{wildcard(1)}}"',
      '  "pair.*.*": "pairmapped.{{partition(7,1,2)}}.{{wildcard(1)}}.{{wildcard(2)}}"',
      "}",
    ].join("\n"),
  });
  nc = await connect({ servers: nats.url });
});

afterAll(async () => {
  await nc?.close();
  await nats?.dispose();
});

/** Keys as the services have them: order ids (UUIDs), SKUs, user ids, and a few non-ASCII tokens. */
function randomKeys(count: number): string[] {
  const kinds = [
    () => randomUUID(),
    () => `SKU-${randomBytes(3).toString("hex").toUpperCase()}`,
    () => `user_${randomBytes(6).toString("base64url").replace(/[-_]/g, "x")}`,
    () => `${randomBytes(2).toString("hex")}-café-ü${randomBytes(1).toString("hex")}`,
  ];
  return Array.from({ length: count }, (_, i) => kinds[i % kinds.length]?.() ?? randomUUID());
}

/** Publishes `part.<key>` for every key and collects what the mapping delivers, keyed by key. */
async function mapped(
  prefix: string,
  deliveredPrefix: string,
  keys: readonly string[],
): Promise<Map<string, number>> {
  const sub = nc.subscribe(`${deliveredPrefix}.>`);
  await nc.flush();
  for (const key of keys) nc.publish(`${prefix}.${key}`);
  await nc.flush();
  const seen = new Map<string, number>();
  const timer = setTimeout(() => sub.unsubscribe(), 5000);
  for await (const msg of sub) {
    const [, partition, ...rest] = msg.subject.split(".");
    seen.set(rest.join("."), Number(partition));
    if (seen.size === keys.length) break;
  }
  clearTimeout(timer);
  sub.unsubscribe();
  return seen;
}

describe("partitionOf", () => {
  it("agrees with nats-server's partition(16, 1) mapping on 2,000 random keys", async () => {
    const keys = randomKeys(2000);
    const seen = await mapped("part", "mapped", keys);
    expect(seen.size).toBe(keys.length);
    const mismatches = keys.filter((key) => seen.get(key) !== partitionOf({ key, partitions: 16 }));
    expect(mismatches).toEqual([]);
    // All 16 partitions are hit: the keys spread, and the test is not passing on one constant value.
    expect(new Set(seen.values()).size).toBe(16);
  });

  it("agrees for a partition count that is not a power of two", async () => {
    const keys = randomKeys(300);
    const seen = await mapped("few", "fewmapped", keys);
    expect(keys.filter((key) => seen.get(key) !== partitionOf({ key, partitions: 3 }))).toEqual([]);
  });

  it("hashes several tokens as nats-server does: concatenated, with no separator", async () => {
    const pairs = randomKeys(300).map((key, i) => [`tenant${i % 5}`, key] as const);
    const sub = nc.subscribe("pairmapped.>");
    await nc.flush();
    for (const [a, b] of pairs) nc.publish(`pair.${a}.${b}`);
    await nc.flush();
    const seen = new Map<string, number>();
    for await (const msg of sub) {
      const [, partition, a, b] = msg.subject.split(".");
      seen.set(`${a}.${b}`, Number(partition));
      if (seen.size === pairs.length) break;
    }
    for (const [a, b] of pairs)
      expect(seen.get(`${a}.${b}`)).toBe(partitionOf({ key: [a, b], partitions: 7 }));
  });

  it("matches FNV-1a 32-bit reference values", () => {
    // FNV-1a("") = 0x811c9dc5 and FNV-1a("a") = 0xe40c292c (the published test vectors).
    expect(partitionOf({ key: "", partitions: 0x7fffffff })).toBe(0x811c9dc5 % 0x7fffffff);
    expect(partitionOf({ key: "a", partitions: 0x7fffffff })).toBe(0xe40c292c % 0x7fffffff);
    expect(partitionOf({ key: ["a", "b"], partitions: 1000 })).toBe(
      partitionOf({ key: "ab", partitions: 1000 }),
    );
  });

  it("refuses a partition count nats-server would refuse", () => {
    for (const partitions of [0, -1, 1.5, Number.NaN, 2 ** 31])
      expect(() => partitionOf({ key: "k", partitions })).toThrow(RangeError);
  });
});
