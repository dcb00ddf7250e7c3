import * as v from "valibot";
import type { LiveEvents } from "../events/live-events.js";
import { StreamMessage } from "../events/stream-messages.js";
import { principalOf } from "../middleware/require-role.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

export const EVENTS_PREFIX = "/api/admin/events";
/** The event stream's full path: the token may come in its query (see `queryToken`). */
export const EVENTS_STREAM_PATH = `${EVENTS_PREFIX}/stream`;

const TypePrefix = v.pipe(v.string(), v.regex(/^[a-z][a-z_.]{0,99}$/, "must be an event type or its prefix"));
const StreamQuery = v.object({
  type: v.optional(TypePrefix),
  access_token: v.optional(
    v.pipe(v.string(), v.description("The bearer token, for clients that cannot set headers")),
  ),
});

/**
 * `adminEventRoutes`: the live tail, at `/api/admin/events/stream`. It runs without the request deadline
 * (a stream is meant to stay open); the admin guard (with `?access_token=`) applies like to every admin route.
 */
export function adminEventRoutes(live: LiveEvents): RouteGroup {
  const stream = defineRoute({
    method: "get",
    path: "/stream",
    access: "admin",
    longLived: true,
    summary: "A live tail of every event and dead letter, as server-sent events",
    description:
      "Each message's data is JSON: an event (SSE event `message`, a LiveEvent), or one of the stream's own: `ready` once the tail is live (StreamReady), `dropped` when a slow client lost events (StreamDropped), and `expired`, the last, when the token expires (StreamExpired). Comment lines keep an idle stream open. Because a browser's EventSource cannot set headers, this route alone also takes the token as `access_token`.",
    query: { raw: StreamQuery, schema: StreamQuery },
    success: {
      status: 200,
      description: "A stream of server-sent events (text/event-stream); each data line is one of these JSON",
      contentType: "text/event-stream",
      schema: StreamMessage,
    },
    handler: (c, { query }) => live.respond(c, query.type, principalOf(c).expiresAt),
  });
  return { prefix: EVENTS_PREFIX, tag: "admin", routes: [stream] };
}
