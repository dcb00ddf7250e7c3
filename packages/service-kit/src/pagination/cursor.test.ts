import { describe, expect, it } from "vitest";
import { BadRequestError } from "../errors/app-error.js";
import { decodeCursor, encodeCursor } from "./cursor.js";

describe("cursors", () => {
  it("round-trip a sort key", () => {
    expect(decodeCursor(encodeCursor(["2026-11-25T10:00:00.000Z", "o-1"]), 2)).toEqual([
      "2026-11-25T10:00:00.000Z",
      "o-1",
    ]);
    expect(decodeCursor(encodeCursor(["MUG-001"]), 1)).toEqual(["MUG-001"]);
  });

  it.each([
    "%%%",
    Buffer.from("{}").toString("base64url"),
    encodeCursor(["a"]),
    encodeCursor(["a", "b", "c"]),
  ])("refuse a cursor that was not given out (%s) with BAD_REQUEST", (bad) => {
    expect(() => decodeCursor(bad, 2)).toThrow(BadRequestError);
  });
});
