import { describe, expect, it } from "vitest";
import { parseServiceInvariants } from "./parse-service-invariants.js";

const good = { name: "one-thing", description: "holds", check: () => [] };

describe("parseServiceInvariants", () => {
  it("accepts a module of well-formed invariants", () => {
    expect(
      parseServiceInvariants("svc", {
        invariants: [good, { ...good, name: "other", counts: "doubleCharges" }],
      }),
    ).toHaveLength(2);
  });

  it.each([
    ["no export", {}, /must export `invariants`/],
    ["not kebab-case", { invariants: [{ ...good, name: "OneThing" }] }, /kebab-case/],
    ["a duplicate name", { invariants: [good, good] }, /two invariants are named one-thing/],
    ["no check", { invariants: [{ name: "x", description: "d" }] }, /check must be a function/],
    ["an unknown column", { invariants: [{ ...good, counts: "lostOrders" }] }, /counts must be one of/],
  ])("refuses %s, naming the service", (_, module, message) => {
    expect(() => parseServiceInvariants("svc", module)).toThrow(message);
    expect(() => parseServiceInvariants("svc", module)).toThrow(/^svc\/src\/invariants\.ts: /);
  });
});
