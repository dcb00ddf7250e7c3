import { describe, expect, it } from "vitest";
import { replicaShare } from "./replica-share.js";

describe("replicaShare", () => {
  it("gives each instance the limit divided by the instances, rounded up", () => {
    expect(replicaShare(300, 1)).toBe(300);
    expect(replicaShare(300, 2)).toBe(150);
    expect(replicaShare(10, 3)).toBe(4);
    expect(replicaShare(5, 2)).toBe(3);
  });

  it("never drops a positive limit to 0, and keeps a 0 limit at 0", () => {
    expect(replicaShare(1, 8)).toBe(1);
    expect(replicaShare(0, 2)).toBe(0);
  });
});
