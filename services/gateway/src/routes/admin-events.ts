import { Hono } from "hono";
import * as v from "valibot";
import { LiveEvent, type LiveEvents } from "../events/live-events.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { queryOf } from "../http/input.js";
import { principalOf } from "../middleware/require-role.js";
import type { OperationDoc } from "../openapi/operation.js";

export const EVENTS_STREAM_PATH = "/api/admin/events/stream";

const TypePrefix = v.pipe(v.string(), v.regex(/^[a-z][a-z_.]{0,99}$/, "must be an event type or its prefix"));
const StreamQuery = v.object({ type: v.optional(TypePrefix), access_token: v.optional(v.string()) });

export const adminEventDocs: readonly OperationDoc[] = [
  {
    method: "get",
    path: EVENTS_STREAM_PATH,
    tag: "admin",
    access: "admin",
    summary: "A live tail of every event and dead letter, as server-sent events",
    description:
      "Each message's data is the JSON of one event. An `event: ready` message says the tail is live. Because a browser's EventSource cannot set headers, this route alone also takes the token as `access_token`.",
    query: {
      type: v.optional(TypePrefix),
      access_token: v.optional(
        v.pipe(v.string(), v.description("The bearer token, for clients that cannot set headers")),
      ),
    },
    success: {
      status: 200,
      description: "A stream of events (text/event-stream); each data line is this JSON",
      contentType: "text/event-stream",
      schema: LiveEvent,
    },
  },
];

/**
 * `adminEventRoutes`: the live tail. It is registered before the request deadline applies (a stream is
 * meant to stay open), and the admin guard (with `?access_token=`) is applied to it like to every admin route.
 */
export function adminEventRoutes(live: LiveEvents): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  app.get(EVENTS_STREAM_PATH, queryOf(StreamQuery, StreamQuery), (c) =>
    live.respond(c, c.req.valid("query").type, principalOf(c).expiresAt),
  );
  return app;
}
