import type { RpcContract } from "@bazaar/contracts";
import { encodeCursor } from "../pagination/cursor.js";

interface Page {
  readonly items: readonly unknown[];
  readonly nextCursor: string | null;
}

type Key = readonly (string | number)[];

function compareKeys(a: Key, b: Key): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * `gatherAnswers` combines every partition's answer to one call of a `gather` contract. Keyset pages:
 * every partition was asked for the page after the same cursor, so the next `limit` items of the whole
 * list are the first `limit` of their merge, in key order; the next page starts after the last of those
 * (each partition reads strictly after the cursor's key, so nothing is skipped or repeated).
 */
export function gatherAnswers(contract: RpcContract, answers: readonly unknown[], request: unknown): unknown {
  const gather = contract.gather;
  if (!gather) throw new Error(`${contract.subject} declares no gather`);
  if ("merge" in gather)
    return (gather.merge as (r: readonly unknown[], q: unknown) => unknown)(answers, request);
  const keyOf = gather.pageKey as (item: unknown) => Key;
  const sign = gather.order === "asc" ? 1 : -1;
  const pages = answers as readonly Page[];
  const limit = (request as { readonly limit?: number }).limit ?? Number.POSITIVE_INFINITY;
  const keyed = pages.flatMap((p) => p.items.map((item) => ({ item, key: keyOf(item) })));
  keyed.sort((a, b) => sign * compareKeys(a.key, b.key));
  const taken = keyed.slice(0, limit);
  const more = keyed.length > taken.length || pages.some((p) => p.nextCursor !== null);
  const last = taken.at(-1);
  return {
    items: taken.map((k) => k.item),
    nextCursor: more && last ? encodeCursor(last.key) : null,
  };
}
