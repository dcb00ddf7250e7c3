import { describe, expect, it } from "vitest";
import { fields, table } from "./table.js";

describe("table", () => {
  it("aligns columns under an upper-case header, numbers to the right, cuts long values", () => {
    const text = table(
      [
        { label: "name", value: (r: { name: string; n: number; note: string | null }) => r.name },
        { label: "n", value: (r) => r.n, right: true },
        { label: "note", value: (r) => r.note, max: 8 },
      ],
      [
        { name: "orders", n: 7, note: null },
        { name: "inventory", n: 1200, note: "a rather long note" },
      ],
    );
    expect(text.split("\n")).toEqual([
      "NAME          N  NOTE",
      "orders        7  -",
      "inventory  1200  a rathe…",
    ]);
  });

  it("shows a record as aligned label and value lines", () => {
    expect(
      fields([
        ["state", "completed"],
        ["skipped", 0],
        ["error", null],
      ]),
    ).toBe("state    completed\nskipped  0\nerror    -");
  });
});
