import { Id, orders } from "@bazaar/contracts";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { idempotencyKeyOf } from "../http/idempotency.js";
import { IntQuery } from "../http/input.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

const SagaQuery = v.object({
  status: v.optional(v.string()),
  orderId: v.optional(v.string()),
  olderThan: v.optional(v.string()),
  newerThan: v.optional(v.string()),
  cursor: v.optional(v.string()),
  limit: v.optional(IntQuery),
});
const IdParams = v.object({ id: Id });
const BulkRetryQuery = v.object({ limit: v.optional(IntQuery) });

/** `adminSagaRoutes`: the operator's view of order sagas, under `/api/admin/sagas` (orders). */
export function adminSagaRoutes(runtime: GatewayRuntime): RouteGroup {
  const list = defineRoute({
    method: "get",
    path: "/",
    access: "admin",
    summary:
      "Order sagas, newest first, optionally by status, order id (exact) and age (`olderThan`/`newerThan`: ISO 8601 timestamps on createdAt)",
    query: { raw: SagaQuery, schema: orders.listSagas.request },
    success: { status: 200, description: "A page of sagas", schema: orders.listSagas.response },
    handler: async (c, { query }) =>
      c.json(await runtime.call(orders.listSagas, query, downstream(c, orders.listSagas))),
  });

  const one = defineRoute({
    method: "get",
    path: "/:id",
    access: "admin",
    summary:
      "A saga's steps (attempts, last error, duration) and timeline (every attempt, its error and duration)",
    params: IdParams,
    success: { status: 200, description: "The saga", schema: orders.Saga },
    errors: ["NOT_FOUND"],
    handler: async (c, { params }) =>
      c.json(await runtime.call(orders.getSaga, { sagaId: params.id }, downstream(c, orders.getSaga))),
  });

  const retryAll = defineRoute({
    method: "post",
    path: "/retry",
    access: "admin",
    summary:
      "Retry every saga that requires attention (oldest first, up to `limit`); they run a few at a time",
    query: { raw: BulkRetryQuery, schema: orders.retrySagas.request },
    idempotencyKey: "optional",
    success: {
      status: 202,
      description: "How many sagas run again, and which",
      schema: orders.retrySagas.response,
    },
    handler: async (c, { query }) => {
      const options = downstream(c, orders.retrySagas, { idempotencyKey: idempotencyKeyOf(c) });
      return c.json(await runtime.call(orders.retrySagas, query, options), 202);
    },
  });

  const retry = defineRoute({
    method: "post",
    path: "/:id/retry",
    access: "admin",
    summary: "Retry a saga that requires attention (its failed compensations run again)",
    params: IdParams,
    idempotencyKey: "optional",
    success: { status: 202, description: "The saga, now running again", schema: orders.SagaSummary },
    errors: ["NOT_FOUND", "CONFLICT"],
    handler: async (c, { params }) => {
      const options = downstream(c, orders.retrySaga, { idempotencyKey: idempotencyKeyOf(c) });
      return c.json(await runtime.call(orders.retrySaga, { sagaId: params.id }, options), 202);
    },
  });

  return { prefix: "/api/admin/sagas", tag: "admin", routes: [list, one, retryAll, retry] };
}
