import { describe, expect, it } from "vitest";
import { ConflictError } from "./app-error.js";
import { type Outcome, refuse, settled } from "./refusal.js";

describe("refusals kept with an idempotent command's attempt", () => {
  it("survive storage as JSON and are thrown again as the error they were", () => {
    const refused = refuse(
      new ConflictError("2 units short", { reason: "OUT_OF_STOCK", details: { sku: "A" } }),
    );
    const stored = JSON.parse(JSON.stringify(refused)) as Outcome<number>;
    expect(() => settled(stored)).toThrow(
      expect.objectContaining({ code: "CONFLICT", reason: "OUT_OF_STOCK", message: "2 units short" }),
    );
    expect(settled({ value: 7 })).toBe(7);
  });
});
