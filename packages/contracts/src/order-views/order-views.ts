import * as v from "valibot";
import { Cents, Currency, Id, PageRequest, page, Timestamp } from "../common.js";
import { defineRpc } from "../define.js";

export const OrderView = v.object({
  orderId: Id,
  userId: Id,
  createdAt: v.nullable(Timestamp),
  totalCents: v.nullable(Cents),
  currency: v.nullable(Currency),
  itemCount: v.nullable(v.number()),
  status: v.picklist(["pending", "confirmed", "cancelled", "requires_attention"]),
  paymentStatus: v.picklist(["none", "completed", "failed", "refunded"]),
  trackingNumber: v.nullable(v.string()),
  cancelReason: v.nullable(v.string()),
  lastUpdated: Timestamp,
});
export type OrderView = v.InferOutput<typeof OrderView>;

export const listMyOrders = defineRpc({
  service: "order-views",
  name: "listMyOrders",
  description: "A user's orders, newest first, straight from the read model.",
  request: v.object({ userId: Id, ...PageRequest }),
  response: page(OrderView),
  // The read model is partitioned by order id (like the events it is built from): a user's orders are in
  // every partition, each page sorted by the same key as `listForUser`'s.
  gather: { pageKey: (view) => [view.createdAt ?? view.lastUpdated, view.orderId], order: "desc" },
});

export const getOrderView = defineRpc({
  service: "order-views",
  name: "getOrderView",
  description: "One order's denormalized view.",
  request: v.object({ orderId: Id }),
  response: OrderView,
  errors: ["NOT_FOUND"],
  partitionKey: (request) => request.orderId,
});

/** A stream message a rebuild left out because it is not a valid event of its contract. */
export const SkippedEvent = v.object({
  stream: v.string(),
  seq: v.number(),
  subject: v.string(),
  /** What is wrong with it (field paths and rules, never its values). */
  reason: v.string(),
});
export type SkippedEvent = v.InferOutput<typeof SkippedEvent>;

/** The most skipped messages a rebuild names in its status (all of them are counted). */
export const MAX_NAMED_SKIPS = 20;

export const RebuildStatus = v.object({
  rebuildId: v.nullable(Id),
  state: v.picklist(["idle", "running", "completed", "failed"]),
  /** Stream messages read so far, skipped ones included. */
  processed: v.number(),
  total: v.number(),
  /** Messages left out because they fail their contract (the live consumers dead-lettered them). */
  skipped: v.number(),
  /** The first `MAX_NAMED_SKIPS` of them. */
  skippedEvents: v.array(SkippedEvent),
  /**
   * How the switch-over applied the rebuilt rows: `replace` when the streams held their whole history,
   * `merge` (column by column, newest wins) when older messages were gone; null until it switched.
   */
  mode: v.nullable(v.picklist(["replace", "merge"])),
  startedAt: v.nullable(Timestamp),
  finishedAt: v.nullable(Timestamp),
  /** Why it failed, when it did. */
  error: v.nullable(v.string()),
});
export type RebuildStatus = v.InferOutput<typeof RebuildStatus>;

const STATES = ["failed", "running", "idle", "completed"] as const;

/**
 * `mergeRebuildStatuses` is the status of a rebuild of every partition (each rebuilds its own file): the
 * most pressing state of any (failed, then running, then idle), the counts summed, the first partition's
 * id and error, started at the earliest, finished at the latest once all have.
 */
export function mergeRebuildStatuses(statuses: readonly RebuildStatus[]): RebuildStatus {
  const first = statuses[0];
  if (!first) throw new Error("no partition answered");
  const times = (pick: (s: RebuildStatus) => string | null) =>
    statuses
      .map(pick)
      .filter((t): t is string => t !== null)
      .sort();
  const started = times((s) => s.startedAt);
  const finished = times((s) => s.finishedAt);
  const modes = new Set(statuses.map((s) => s.mode));
  return {
    rebuildId: first.rebuildId,
    state: STATES.find((state) => statuses.some((s) => s.state === state)) ?? first.state,
    processed: statuses.reduce((n, s) => n + s.processed, 0),
    total: statuses.reduce((n, s) => n + s.total, 0),
    skipped: statuses.reduce((n, s) => n + s.skipped, 0),
    skippedEvents: statuses.flatMap((s) => s.skippedEvents).slice(0, MAX_NAMED_SKIPS),
    mode: modes.has(null) ? null : modes.has("merge") ? "merge" : "replace",
    startedAt: started[0] ?? null,
    finishedAt: finished.length === statuses.length ? (finished.at(-1) ?? null) : null,
    error: statuses.find((s) => s.error !== null)?.error ?? null,
  };
}

export const rebuild = defineRpc({
  service: "order-views",
  name: "rebuild",
  description:
    "Rebuild the read model by replaying the streams from the first message into a fresh table, then switch over (admin).",
  request: v.object({}),
  response: RebuildStatus,
  errors: ["CONFLICT"],
  command: true,
  gather: { merge: (statuses) => mergeRebuildStatuses(statuses) },
});

export const rebuildStatus = defineRpc({
  service: "order-views",
  name: "rebuildStatus",
  description:
    "State of the current or last rebuild: running with its progress, completed with its counts, or failed with the reason.",
  request: v.object({}),
  response: RebuildStatus,
  gather: { merge: (statuses) => mergeRebuildStatuses(statuses) },
});
