import { Id, orders } from "@bazaar/contracts";
import { Hono } from "hono";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { idempotencyKeyOf } from "../http/idempotency.js";
import { IntQuery, paramsOf, queryOf } from "../http/input.js";
import { IDEMPOTENCY_KEY_HEADER, type OperationDoc } from "../openapi/operation.js";

const SagaQuery = v.object({
  status: v.optional(v.string()),
  cursor: v.optional(v.string()),
  limit: v.optional(IntQuery),
});
const IdParams = v.object({ id: Id });
const BulkRetryQuery = v.object({ limit: v.optional(IntQuery) });

export const adminSagaDocs: readonly OperationDoc[] = [
  {
    method: "get",
    path: "/api/admin/sagas",
    tag: "admin",
    access: "admin",
    summary: "Order sagas, newest first, optionally by status",
    query: orders.listSagas.request.entries,
    success: { status: 200, description: "A page of sagas", schema: orders.listSagas.response },
  },
  {
    method: "get",
    path: "/api/admin/sagas/:id",
    tag: "admin",
    access: "admin",
    summary: "A saga's steps and timeline",
    params: { id: Id },
    success: { status: 200, description: "The saga", schema: orders.Saga },
    errors: ["NOT_FOUND"],
  },
  {
    method: "post",
    path: "/api/admin/sagas/:id/retry",
    tag: "admin",
    access: "admin",
    summary: "Retry a saga that requires attention (its failed compensations run again)",
    params: { id: Id },
    headers: [IDEMPOTENCY_KEY_HEADER],
    success: { status: 202, description: "The saga, now running again", schema: orders.SagaSummary },
    errors: ["NOT_FOUND", "CONFLICT"],
  },
  {
    method: "post",
    path: "/api/admin/sagas/retry",
    tag: "admin",
    access: "admin",
    summary:
      "Retry every saga that requires attention (oldest first, up to `limit`); they run a few at a time",
    query: orders.retrySagas.request.entries,
    headers: [IDEMPOTENCY_KEY_HEADER],
    success: {
      status: 202,
      description: "How many sagas run again, and which",
      schema: orders.retrySagas.response,
    },
  },
];

/** `adminSagaRoutes`: the operator's view of order sagas (orders). */
export function adminSagaRoutes(runtime: GatewayRuntime): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.get("/api/admin/sagas", queryOf(SagaQuery, orders.listSagas.request), async (c) =>
    c.json(await runtime.call(orders.listSagas, c.req.valid("query"), downstream(c, orders.listSagas))),
  );

  app.get("/api/admin/sagas/:id", paramsOf(IdParams), async (c) =>
    c.json(
      await runtime.call(orders.getSaga, { sagaId: c.req.valid("param").id }, downstream(c, orders.getSaga)),
    ),
  );

  app.post("/api/admin/sagas/retry", queryOf(BulkRetryQuery, orders.retrySagas.request), async (c) => {
    const options = downstream(c, orders.retrySagas, { idempotencyKey: idempotencyKeyOf(c) });
    return c.json(await runtime.call(orders.retrySagas, c.req.valid("query"), options), 202);
  });

  app.post("/api/admin/sagas/:id/retry", paramsOf(IdParams), async (c) => {
    const options = downstream(c, orders.retrySaga, { idempotencyKey: idempotencyKeyOf(c) });
    return c.json(await runtime.call(orders.retrySaga, { sagaId: c.req.valid("param").id }, options), 202);
  });

  return app;
}
