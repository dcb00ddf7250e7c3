import type { CommandContext } from "./context.js";
import { EXIT } from "./exit-codes.js";
import { ApiError } from "./gateway-client.js";

export interface BulkOutcome<T> {
  readonly id: string;
  readonly outcome: "done" | "gone" | "failed";
  readonly result?: T;
  readonly error?: string;
}

export interface BulkSummary<T> {
  readonly done: number;
  readonly gone: number;
  readonly failed: number;
  readonly items: ReadonlyArray<BulkOutcome<T>>;
}

/**
 * `runBulk` applies `action` to each id in turn, printing progress as it goes (`[3/10] …` on stderr), and
 * never stops at the first failure: each is done, gone (a 404, where `gone` says another operator got there
 * first) or failed. Auth and connection errors end the run: the rest would fail the same way.
 */
export async function runBulk<T>(o: {
  readonly ctx: CommandContext;
  readonly ids: readonly string[];
  readonly action: (id: string) => Promise<T>;
  readonly describe: (id: string, result: T) => string;
  /** When set, a 404 means someone else got there first (said so), not a failure. */
  readonly gone?: (id: string) => string;
}): Promise<BulkSummary<T>> {
  const items: Array<BulkOutcome<T>> = [];
  const total = o.ids.length;
  for (const [i, id] of o.ids.entries()) {
    const at = `[${i + 1}/${total}]`;
    try {
      const result = await o.action(id);
      items.push({ id, outcome: "done", result });
      o.ctx.progress(`${at} ${o.describe(id, result)}`);
    } catch (err) {
      if (!(err instanceof ApiError) || err.code !== EXIT.refused) throw err;
      const gone = err.status === 404 && o.gone !== undefined;
      items.push({ id, outcome: gone ? "gone" : "failed", error: err.message });
      o.ctx.progress(`${at} ${gone && o.gone ? o.gone(id) : `${id} failed: ${err.message}`}`);
    }
  }
  const count = (what: BulkOutcome<T>["outcome"]): number => items.filter((x) => x.outcome === what).length;
  return { done: count("done"), gone: count("gone"), failed: count("failed"), items };
}

/** One line that sums a bulk run up. */
export function bulkLine(verb: string, s: BulkSummary<unknown>): string {
  return `${verb} ${s.done}${s.gone ? `, ${s.gone} gone already` : ""}${s.failed ? `, ${s.failed} FAILED` : ""} (of ${s.items.length})`;
}
