import { Hono } from "hono";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { IntQuery, jsonBody, paramsOf, queryOf, requireJson } from "../http/input.js";
import { natsFailure } from "../http/nats-failure.js";
import type { OperationDoc } from "../openapi/operation.js";

/** The kit's `DeadLetter` as the API shows it (the kit declares it as a TypeScript type only). */
export const DeadLetter = v.object({
  id: v.number(),
  service: v.string(),
  consumer: v.string(),
  stream: v.string(),
  subject: v.string(),
  sequence: v.number(),
  deliveries: v.number(),
  reason: v.string(),
  error: v.string(),
  failedAt: v.string(),
  eventId: v.optional(v.string()),
  eventType: v.optional(v.string()),
  payload: v.unknown(),
});
export const ReplayResult = v.object({
  id: v.number(),
  subject: v.string(),
  eventId: v.optional(v.string()),
  streamSeq: v.number(),
});

const ListQuery = {
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)), 100),
  service: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,30}$/, "must be a service name"))),
};
const RawListQuery = v.object({ limit: v.optional(IntQuery), service: v.optional(v.string()) });
const DiscardBody = v.object({
  reason: v.pipe(v.string(), v.trim(), v.minLength(1, "must say why"), v.maxLength(500)),
});
const IdParams = v.object({
  id: v.pipe(v.string(), v.regex(/^[1-9]\d{0,15}$/, "must be a positive integer"), v.transform(Number)),
});

export const adminDeadLetterDocs: readonly OperationDoc[] = [
  {
    method: "get",
    path: "/api/admin/dead-letters",
    tag: "admin",
    access: "admin",
    summary: "Events a consumer gave up on, newest first",
    query: ListQuery,
    success: {
      status: 200,
      description: "The dead letters",
      schema: v.object({ items: v.array(DeadLetter) }),
    },
  },
  {
    method: "post",
    path: "/api/admin/dead-letters/:id/replay",
    tag: "admin",
    access: "admin",
    summary: "Republish a dead letter to its original subject (consumers that applied it skip it)",
    params: { id: v.pipe(v.number(), v.integer(), v.minValue(1)) },
    success: { status: 200, description: "Where it was republished", schema: ReplayResult },
    errors: ["NOT_FOUND"],
  },
  {
    method: "post",
    path: "/api/admin/dead-letters/:id/discard",
    tag: "admin",
    access: "admin",
    summary:
      "Discard a dead letter for good, saying why (dead letters are kept until replayed or discarded); the discard is logged with the operator and the reason",
    params: { id: v.pipe(v.number(), v.integer(), v.minValue(1)) },
    body: DiscardBody,
    success: { status: 200, description: "The dead letter that was discarded", schema: DeadLetter },
    errors: ["NOT_FOUND"],
  },
];

/** `adminDeadLetterRoutes`: the kit's replay API over the dead-letter stream. */
export function adminDeadLetterRoutes(runtime: GatewayRuntime): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.get("/api/admin/dead-letters", queryOf(RawListQuery, v.object(ListQuery)), async (c) => {
    const { limit, service } = c.req.valid("query");
    try {
      const items = await runtime.deadLetters.list({ limit, ...(service ? { service } : {}) });
      return c.json({ items });
    } catch (err) {
      throw natsFailure(err, "listing dead letters");
    }
  });

  app.post("/api/admin/dead-letters/:id/replay", paramsOf(IdParams), async (c) => {
    try {
      return c.json(await runtime.deadLetters.replay(c.req.valid("param").id));
    } catch (err) {
      throw natsFailure(err, "replaying a dead letter");
    }
  });

  app.post(
    "/api/admin/dead-letters/:id/discard",
    paramsOf(IdParams),
    requireJson(),
    jsonBody(DiscardBody),
    async (c) => {
      const { id } = c.req.valid("param");
      let discarded: Awaited<ReturnType<GatewayRuntime["deadLetters"]["discard"]>>;
      try {
        discarded = await runtime.deadLetters.discard(id);
      } catch (err) {
        throw natsFailure(err, "discarding a dead letter");
      }
      // The event is gone for good: who let it go, and why, stays in the log.
      runtime.log.warn(
        {
          deadLetter: id,
          eventId: discarded.eventId,
          eventType: discarded.eventType,
          consumer: discarded.consumer,
          by: c.get("principal")?.userId,
          reason: c.req.valid("json").reason,
        },
        "dead letter discarded by an operator",
      );
      return c.json(discarded);
    },
  );

  return app;
}
