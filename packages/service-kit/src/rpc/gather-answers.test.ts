import { defineRpc, page } from "@bazaar/contracts";
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import { decodeCursor } from "../pagination/cursor.js";
import { gatherAnswers } from "./gather-answers.js";

const Item = v.object({ at: v.string(), id: v.string() });
const newestFirst = defineRpc({
  service: "lists",
  name: "newest",
  description: "A list gathered from every partition",
  request: v.object({ cursor: v.optional(v.string()), limit: v.optional(v.number(), 3) }),
  response: page(Item),
  gather: { pageKey: (item) => [item.at, item.id] },
});

const item = (at: string, id: string) => ({ at, id });

describe("gatherAnswers", () => {
  it("merges keyset pages in key order and cuts them to the limit, with the last kept item's cursor", () => {
    const merged = gatherAnswers(
      newestFirst,
      [
        { items: [item("09", "a"), item("05", "b"), item("01", "c")], nextCursor: "more" },
        { items: [item("08", "d"), item("07", "e")], nextCursor: null },
        { items: [], nextCursor: null },
      ],
      { limit: 3 },
    ) as { items: unknown[]; nextCursor: string | null };
    expect(merged.items).toEqual([item("09", "a"), item("08", "d"), item("07", "e")]);
    expect(decodeCursor(merged.nextCursor ?? "", 2)).toEqual(["07", "e"]);
  });

  it("ends the list only when every partition ended it and nothing was cut", () => {
    const last = gatherAnswers(
      newestFirst,
      [
        { items: [item("02", "a")], nextCursor: null },
        { items: [item("03", "b")], nextCursor: null },
      ],
      { limit: 3 },
    );
    expect(last).toEqual({ items: [item("03", "b"), item("02", "a")], nextCursor: null });
    // A partition that has more after its full page keeps the list going, even when all fit.
    const going = gatherAnswers(
      newestFirst,
      [
        { items: [item("02", "a")], nextCursor: "x" },
        { items: [], nextCursor: null },
      ],
      { limit: 3 },
    ) as { nextCursor: string | null };
    expect(decodeCursor(going.nextCursor ?? "", 2)).toEqual(["02", "a"]);
  });

  it("sorts ascending when asked, and combines any other answer with the contract's merge", () => {
    const ascending = defineRpc({
      ...newestFirst,
      name: "oldest",
      request: newestFirst.request,
      response: newestFirst.response,
      gather: { pageKey: (i) => [i.at, i.id], order: "asc" },
    });
    expect(
      gatherAnswers(
        ascending,
        [
          { items: [item("05", "b")], nextCursor: null },
          { items: [item("01", "a")], nextCursor: null },
        ],
        {},
      ),
    ).toEqual({ items: [item("01", "a"), item("05", "b")], nextCursor: null });
    const count = defineRpc({
      service: "lists",
      name: "count",
      description: "Counted in every partition",
      request: v.object({}),
      response: v.object({ n: v.number() }),
      gather: { merge: (answers) => ({ n: answers.reduce((sum, a) => sum + a.n, 0) }) },
    });
    expect(gatherAnswers(count, [{ n: 2 }, { n: 3 }], {})).toEqual({ n: 5 });
  });
});
