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
});

export const getOrderView = defineRpc({
  service: "order-views",
  name: "getOrderView",
  description: "One order's denormalized view.",
  request: v.object({ orderId: Id }),
  response: OrderView,
  errors: ["NOT_FOUND"],
});

export const RebuildStatus = v.object({
  rebuildId: v.nullable(Id),
  state: v.picklist(["idle", "running", "completed", "failed"]),
  processed: v.number(),
  total: v.number(),
  startedAt: v.nullable(Timestamp),
  finishedAt: v.nullable(Timestamp),
  error: v.nullable(v.string()),
});
export type RebuildStatus = v.InferOutput<typeof RebuildStatus>;

export const rebuild = defineRpc({
  service: "order-views",
  name: "rebuild",
  description:
    "Rebuild the read model by replaying the streams from the first message into a fresh table, then switch over (admin).",
  request: v.object({}),
  response: RebuildStatus,
  errors: ["CONFLICT"],
  command: true,
});

export const rebuildStatus = defineRpc({
  service: "order-views",
  name: "rebuildStatus",
  description: "Progress of the current or last rebuild.",
  request: v.object({}),
  response: RebuildStatus,
});
