import { describe, expect, it } from "vitest";
import { assignPartitions } from "./assign-partitions.js";

describe("assignPartitions", () => {
  it("gives every partition to exactly one ordinal, for every instance count", () => {
    for (const partitions of [1, 3, 16, 17, 64]) {
      for (let instances = 1; instances <= 20; instances++) {
        const owners = new Map<number, number[]>();
        for (let ordinal = 0; ordinal < instances; ordinal++)
          for (const p of assignPartitions({ partitions, instances, ordinal }))
            owners.set(p, [...(owners.get(p) ?? []), ordinal]);
        expect([...owners.keys()].sort((a, b) => a - b)).toEqual([...Array(partitions).keys()]);
        for (const [, ordinals] of owners) expect(ordinals).toHaveLength(1);
      }
    }
  });

  it("is round-robin: p % instances === ordinal, and balanced to within one partition", () => {
    expect(assignPartitions({ partitions: 16, instances: 3, ordinal: 1 })).toEqual([1, 4, 7, 10, 13]);
    const counts = [0, 1, 2].map(
      (ordinal) => assignPartitions({ partitions: 16, instances: 3, ordinal }).length,
    );
    expect(counts).toEqual([6, 5, 5]);
    expect(assignPartitions({ partitions: 2, instances: 4, ordinal: 3 })).toEqual([]);
  });

  it("refuses an ordinal outside the StatefulSet and nonsense counts", () => {
    expect(() => assignPartitions({ partitions: 16, instances: 2, ordinal: 2 })).toThrow(RangeError);
    expect(() => assignPartitions({ partitions: 16, instances: 2, ordinal: -1 })).toThrow(RangeError);
    expect(() => assignPartitions({ partitions: 16, instances: 0, ordinal: 0 })).toThrow(RangeError);
    expect(() => assignPartitions({ partitions: 0, instances: 1, ordinal: 0 })).toThrow(RangeError);
  });
});
