import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { IntQuery } from "../http/input.js";
import { natsFailure } from "../http/nats-failure.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

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

const ListQuery = v.object({
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)), 100),
  service: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,30}$/, "must be a service name"))),
});
const RawListQuery = v.object({ limit: v.optional(IntQuery), service: v.optional(v.string()) });
const DiscardBody = v.object({
  reason: v.pipe(v.string(), v.trim(), v.minLength(1, "must say why"), v.maxLength(500)),
});
/** A dead letter's id is its sequence in the dead-letter stream: digits in the path, a number inside. */
const IdParams = v.object({
  id: v.pipe(v.string(), v.regex(/^[1-9]\d{0,15}$/, "must be a positive integer"), v.transform(Number)),
});

/** `adminDeadLetterRoutes`: the kit's replay API over the dead-letter stream, under `/api/admin/dead-letters`. */
export function adminDeadLetterRoutes(runtime: GatewayRuntime): RouteGroup {
  const list = defineRoute({
    method: "get",
    path: "/",
    access: "admin",
    summary: "Events a consumer gave up on, newest first",
    query: { raw: RawListQuery, schema: ListQuery },
    success: {
      status: 200,
      description: "The dead letters",
      schema: v.object({ items: v.array(DeadLetter) }),
    },
    handler: async (c, { query }) => {
      const { limit, service } = query;
      try {
        return c.json({ items: await runtime.deadLetters.list({ limit, ...(service ? { service } : {}) }) });
      } catch (err) {
        throw natsFailure(err, "listing dead letters");
      }
    },
  });

  const replay = defineRoute({
    method: "post",
    path: "/:id/replay",
    access: "admin",
    summary: "Republish a dead letter to its original subject (consumers that applied it skip it)",
    params: IdParams,
    success: { status: 200, description: "Where it was republished", schema: ReplayResult },
    errors: ["NOT_FOUND"],
    handler: async (c, { params }) => {
      try {
        return c.json(await runtime.deadLetters.replay(params.id));
      } catch (err) {
        throw natsFailure(err, "replaying a dead letter");
      }
    },
  });

  const discard = defineRoute({
    method: "post",
    path: "/:id/discard",
    access: "admin",
    summary:
      "Discard a dead letter for good, saying why (dead letters are kept until replayed or discarded); the discard is logged with the operator and the reason",
    params: IdParams,
    body: DiscardBody,
    success: { status: 200, description: "The dead letter that was discarded", schema: DeadLetter },
    errors: ["NOT_FOUND"],
    handler: async (c, { params, body }) => {
      let discarded: Awaited<ReturnType<GatewayRuntime["deadLetters"]["discard"]>>;
      try {
        discarded = await runtime.deadLetters.discard(params.id);
      } catch (err) {
        throw natsFailure(err, "discarding a dead letter");
      }
      // The event is gone for good: who let it go, and why, stays in the log.
      runtime.log.warn(
        {
          deadLetter: params.id,
          eventId: discarded.eventId,
          eventType: discarded.eventType,
          consumer: discarded.consumer,
          by: c.get("principal")?.userId,
          reason: body.reason,
        },
        "dead letter discarded by an operator",
      );
      return c.json(discarded);
    },
  });

  return { prefix: "/api/admin/dead-letters", tag: "admin", routes: [list, replay, discard] };
}
