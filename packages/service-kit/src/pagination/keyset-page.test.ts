import { describe, expect, it } from "vitest";
import { decodeCursor } from "./cursor.js";
import { keysetLimit, keysetPage } from "./keyset-page.js";

describe("keysetPage", () => {
  const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];
  const page = (limit: number, from = rows) =>
    keysetPage({ rows: from.slice(0, keysetLimit(limit)), limit, key: (r) => [r.id], toItem: (r) => r.id });

  it("gives a cursor at the last row only when another page follows", () => {
    const first = page(2);
    expect(first.items).toEqual(["a", "b"]);
    expect(decodeCursor(first.nextCursor ?? "", 1)).toEqual(["b"]);
    expect(page(3)).toEqual({ items: ["a", "b", "c"], nextCursor: null });
    expect(page(5)).toEqual({ items: ["a", "b", "c"], nextCursor: null });
    expect(page(2, [])).toEqual({ items: [], nextCursor: null });
  });
});
