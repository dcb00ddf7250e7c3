import * as v from "valibot";
import {
  Address,
  Cents,
  Currency,
  Id,
  LineItem,
  LineItems,
  PaymentMethod,
  Quantity,
  Sku,
  Timestamp,
} from "../common.js";
import { defineEvent, defineRpc } from "../define.js";
import { ORDERS_STREAM } from "../streams.js";

export const OrderStatus = v.picklist(["pending", "confirmed", "cancelled", "requires_attention"]);
export type OrderStatus = v.InferOutput<typeof OrderStatus>;

export const OrderLine = v.object({
  sku: Sku,
  name: v.string(),
  quantity: Quantity,
  unitPriceCents: Cents,
  lineTotalCents: Cents,
});

export const Order = v.object({
  orderId: Id,
  userId: Id,
  status: OrderStatus,
  items: v.array(OrderLine),
  totalCents: Cents,
  currency: Currency,
  shippingAddress: Address,
  sagaId: Id,
  cancelReason: v.nullable(v.string()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Order = v.InferOutput<typeof Order>;

const IdempotencyKey = v.pipe(v.string(), v.minLength(1), v.maxLength(200));

export const placeOrder = defineRpc({
  service: "orders",
  name: "placeOrder",
  description:
    "Place an order: prices come from inventory, the order and order.placed commit together, the saga runs after. Returns at once with status pending; the same idempotency key returns the same order.",
  request: v.object({
    userId: Id,
    items: LineItems,
    shippingAddress: Address,
    paymentMethod: PaymentMethod,
    idempotencyKey: IdempotencyKey,
  }),
  response: v.object({ orderId: Id, status: OrderStatus, sagaId: Id }),
  errors: ["BAD_REQUEST", "NOT_FOUND", "UNPROCESSABLE", "CONFLICT"],
  command: true,
  timeoutMs: 8_000,
  // Before the order id exists, the user's key picks the partition; the order and saga ids are then drawn
  // in that same partition, so every later call and event about the order reaches it.
  partitionKey: (request) => JSON.stringify([request.userId, request.idempotencyKey]),
});

export const getOrder = defineRpc({
  service: "orders",
  name: "getOrder",
  description: "One order. With userId, only that user's order is found (others: NOT_FOUND).",
  request: v.object({ orderId: Id, userId: v.optional(Id) }),
  response: Order,
  errors: ["NOT_FOUND"],
  partitionKey: (request) => request.orderId,
});

export const cancelOrder = defineRpc({
  service: "orders",
  name: "cancelOrder",
  description: "Cancel an order by its owner until it ships; the saga compensates what was done.",
  request: v.object({ orderId: Id, userId: Id, reason: v.optional(v.pipe(v.string(), v.maxLength(200))) }),
  response: Order,
  errors: ["NOT_FOUND", "CONFLICT"],
  command: true,
  partitionKey: (request) => request.orderId,
});

export const SagaStatus = v.picklist([
  "running",
  "compensating",
  "completed",
  "compensated",
  "requires_attention",
]);
export type SagaStatus = v.InferOutput<typeof SagaStatus>;
export const StepStatus = v.picklist(["pending", "running", "done", "failed", "compensating", "compensated"]);

export const SagaStep = v.object({
  name: v.string(),
  status: StepStatus,
  attempts: v.number(),
  compensationAttempts: v.number(),
  startedAt: v.nullable(Timestamp),
  finishedAt: v.nullable(Timestamp),
  /** From its first start to its last finish (retries and waits included); null until it finishes. */
  durationMs: v.optional(v.nullable(v.number())),
  lastError: v.nullable(v.string()),
});

export const SagaEvent = v.object({
  at: Timestamp,
  step: v.nullable(v.string()),
  phase: v.picklist(["saga", "execute", "compensate"]),
  outcome: v.picklist(["started", "succeeded", "failed", "retrying", "gave_up", "info"]),
  attempt: v.nullable(v.number()),
  durationMs: v.nullable(v.number()),
  error: v.nullable(v.string()),
  message: v.nullable(v.string()),
});

export const Saga = v.object({
  sagaId: Id,
  type: v.string(),
  orderId: Id,
  status: SagaStatus,
  failureReason: v.nullable(v.string()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** While the saga waits to retry by itself (a compensation kept failing, say): when it will. */
  nextRetryAt: v.optional(v.nullable(Timestamp)),
  /** The trace the saga started in (the request that placed the order), when there was one. */
  traceId: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/)))),
  steps: v.array(SagaStep),
  history: v.array(SagaEvent),
});
export type Saga = v.InferOutput<typeof Saga>;

export const SagaSummary = v.object({
  sagaId: Id,
  type: v.string(),
  orderId: Id,
  status: SagaStatus,
  currentStep: v.nullable(v.string()),
  failureReason: v.nullable(v.string()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  nextRetryAt: v.optional(v.nullable(Timestamp)),
  /** The trace the saga started in (the request that placed the order), when there was one. */
  traceId: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{32}$/)))),
});

export const listSagas = defineRpc({
  service: "orders",
  name: "listSagas",
  description:
    "Sagas, newest first, optionally by status, by order id (exact) and by age: created before `olderThan`, at or after `newerThan` (admin).",
  request: v.object({
    status: v.optional(SagaStatus),
    orderId: v.optional(Id),
    /** Created before this instant (ISO 8601). */
    olderThan: v.optional(Timestamp),
    /** Created at or after this instant (ISO 8601). */
    newerThan: v.optional(Timestamp),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)), 50),
    cursor: v.optional(v.pipe(v.string(), v.maxLength(200))),
  }),
  response: v.object({ items: v.array(SagaSummary), nextCursor: v.nullable(v.string()) }),
  gather: { pageKey: (saga) => [saga.createdAt, saga.sagaId], order: "desc" },
});

export const getSaga = defineRpc({
  service: "orders",
  name: "getSaga",
  description: "A saga's steps and timeline, by saga id or order id (admin).",
  request: v.union([v.object({ sagaId: Id }), v.object({ orderId: Id })]),
  response: Saga,
  errors: ["NOT_FOUND"],
  // An order's saga id is drawn in the order's partition: either picks it.
  partitionKey: (request) => ("sagaId" in request ? request.sagaId : request.orderId),
});

export const retrySaga = defineRpc({
  service: "orders",
  name: "retrySaga",
  description:
    "Retry a saga that requires attention, in the phase it stopped in, or end the wait of one waiting to retry by itself (admin).",
  request: v.object({ sagaId: Id }),
  response: SagaSummary,
  errors: ["NOT_FOUND", "CONFLICT"],
  command: true,
  partitionKey: (request) => request.sagaId,
});

export const retrySagas = defineRpc({
  service: "orders",
  name: "retrySagas",
  description:
    "Retry every saga that requires attention, oldest first, up to a limit; they run a bounded number at a time (admin).",
  request: v.object({
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(10_000)), 1_000),
  }),
  response: v.object({ retried: v.number(), sagaIds: v.array(Id) }),
  command: true,
  // Each partition retries up to the limit of its own.
  gather: {
    merge: (answers) => ({
      retried: answers.reduce((n, a) => n + a.retried, 0),
      sagaIds: answers.flatMap((a) => a.sagaIds),
    }),
  },
});

const OrderRef = { orderId: Id, userId: Id };

export const orderPlaced = defineEvent({
  type: "order.placed",
  version: 1,
  publisher: "orders",
  stream: ORDERS_STREAM,
  partitionKey: (data) => data.orderId,
  description: "A customer placed an order; it is pending until the saga ends.",
  data: v.object({
    ...OrderRef,
    items: v.array(v.object({ ...LineItem.entries, unitPriceCents: Cents })),
    totalCents: Cents,
    currency: Currency,
    placedAt: Timestamp,
  }),
});

export const orderConfirmed = defineEvent({
  type: "order.confirmed",
  version: 1,
  publisher: "orders",
  stream: ORDERS_STREAM,
  partitionKey: (data) => data.orderId,
  description: "The order was reserved, charged and shipped.",
  data: v.object({ ...OrderRef, totalCents: Cents, currency: Currency }),
});

export const orderCancelled = defineEvent({
  type: "order.cancelled",
  version: 1,
  publisher: "orders",
  stream: ORDERS_STREAM,
  partitionKey: (data) => data.orderId,
  description: "The order was cancelled and what was done was undone.",
  data: v.object({ ...OrderRef, reason: v.string() }),
});

export const orderRequiresAttention = defineEvent({
  type: "order.requires_attention",
  version: 1,
  publisher: "orders",
  stream: ORDERS_STREAM,
  partitionKey: (data) => data.orderId,
  description: "A compensation kept failing; an operator must act (see ops.alert).",
  data: v.object({ ...OrderRef, sagaId: Id, reason: v.string() }),
});

export { IdempotencyKey };
