import { describe, expect, it } from "vitest";
import { idInPartition } from "./id-in-partition.js";
import { partitionOf } from "./partition-of.js";

describe("idInPartition", () => {
  it("draws ids that belong to the partition asked for, each one new", () => {
    const ids = new Set<string>();
    for (let p = 0; p < 16; p++) {
      for (let i = 0; i < 20; i++) {
        const id = idInPartition({ partition: p, partitions: 16 });
        expect(partitionOf({ key: id, partitions: 16 })).toBe(p);
        ids.add(id);
      }
    }
    expect(ids.size).toBe(16 * 20);
  });

  it("takes any id without partitions, and refuses a partition out of range", () => {
    expect(idInPartition({ partition: undefined, partitions: 16 })).toMatch(/^[0-9a-f-]{36}$/);
    expect(idInPartition({ partition: 0, partitions: 1 })).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => idInPartition({ partition: 16, partitions: 16 })).toThrow(RangeError);
  });
});
