import { describe, expect, it } from "vitest";
import { compareVersions, parseVersion } from "./versions.js";

describe("parseVersion", () => {
  it.each([
    ["nats-server: v2.15.2", "2.15.2"],
    ["v0.5.0", "0.5.0"],
    ["nats-server version 2.9.10\n", "2.9.10"],
    ["no version here", undefined],
  ])("reads %j", (input, expected) => {
    expect(parseVersion(input)).toBe(expected);
  });
});

describe("compareVersions", () => {
  it("orders numerically, not lexically", () => {
    expect(compareVersions("2.10.0", "2.9.10")).toBeGreaterThan(0);
    expect(compareVersions("2.9.10", "2.10.0")).toBeLessThan(0);
    expect(compareVersions("2.15.2", "2.15.2")).toBe(0);
  });
});
