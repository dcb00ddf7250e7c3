import { encodeCursor } from "./cursor.js";

/** A keyset query asks for one row more than the page: the extra row only says that another page follows. */
export const keysetLimit = (limit: number): number => limit + 1;

/**
 * `keysetPage` turns the rows of a keyset query (at most `keysetLimit(limit)`) into a page, with the
 * cursor of its last row when another page follows.
 */
export function keysetPage<Row, Item>(o: {
  readonly rows: readonly Row[];
  readonly limit: number;
  readonly key: (row: Row) => readonly (string | number)[];
  readonly toItem: (row: Row) => Item;
}): { items: Item[]; nextCursor: string | null } {
  const page = o.rows.slice(0, o.limit);
  const last = page.at(-1);
  return {
    items: page.map(o.toItem),
    nextCursor: o.rows.length > o.limit && last !== undefined ? encodeCursor(o.key(last)) : null,
  };
}
