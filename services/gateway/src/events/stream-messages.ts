import * as v from "valibot";

/** What each `message` event carries. Fields are null for a message that is not a valid envelope. */
export const LiveEvent = v.object({
  subject: v.string(),
  type: v.nullable(v.string()),
  id: v.nullable(v.string()),
  source: v.nullable(v.string()),
  occurredAt: v.nullable(v.string()),
  /** The trace the event belongs to (from its `traceparent`): the console links it to the trace viewer. */
  traceId: v.nullable(v.string()),
  data: v.unknown(),
});
export type LiveEvent = v.InferOutput<typeof LiveEvent>;

/** The `ready` event: the tail is subscribed, so nothing published from now on can be missed. */
export const StreamReady = v.object({
  subjects: v.array(v.string()),
  type: v.nullable(v.string()),
});

/** The `dropped` event: how many events a client too slow to read them lost since the last one. */
export const StreamDropped = v.object({ count: v.pipe(v.number(), v.integer(), v.minValue(1)) });

/** The `expired` event, the last of a stream: the token that opened it expired. */
export const StreamExpired = v.object({ reason: v.string() });

/**
 * `StreamMessage` is the data of any message of the event stream, as the document names it: an event
 * (`message`), or one of the stream's own (`ready`, `dropped`, `expired`); the SSE `event` field says which.
 */
export const StreamMessage = v.union([LiveEvent, StreamReady, StreamDropped, StreamExpired]);
