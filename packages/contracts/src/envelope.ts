import * as v from "valibot";
import type { AnySchema, EventContract } from "./define.js";

/** W3C trace context `traceparent`: version-traceid-parentid-flags, lowercase hex. */
export const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * `EventSequence` places an event among its publisher's events about one entity (an aggregate, such as an
 * order): `key` names the entity, `seq` counts that publisher's events about it from 1 in commit order.
 * Consumers order updates by it instead of by `occurredAt`, which comes from the publisher's clock. It is
 * comparable only between events of the same `source` and `key`.
 */
export const EventSequence = v.object({
  key: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/**
 * The envelope fields every event carries, whatever its data. `aggregate` is optional: events recorded
 * before publishers assigned sequences (still in the streams) have none, and stay valid.
 */
export const EnvelopeHeader = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  type: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  version: v.pipe(v.number(), v.integer(), v.minValue(1)),
  occurredAt: v.pipe(v.string(), v.isoTimestamp()),
  source: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
  traceparent: v.optional(v.pipe(v.string(), v.regex(TRACEPARENT))),
  /** W3C `tracestate` of the trace, passed on unchanged. */
  tracestate: v.optional(v.pipe(v.string(), v.maxLength(512))),
  aggregate: v.optional(EventSequence),
  data: v.unknown(),
});

/** One envelope for all events: a unique id, what happened (type and version), when, where, and the trace. */
export interface EventEnvelope<TType extends string = string, TData = unknown> {
  readonly id: string;
  readonly type: TType;
  readonly version: number;
  readonly occurredAt: string;
  readonly source: string;
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
  /** Where the event stands among its publisher's events about one entity (see `EventSequence`). */
  readonly aggregate?: { readonly key: string; readonly seq: number } | undefined;
  readonly data: TData;
}

/** `envelopeSchema` is the full schema of one event contract: the header fields with its own `type`, `version` and `data`. */
export function envelopeSchema<TType extends string, TData extends AnySchema>(
  event: EventContract<TType, TData>,
) {
  return v.object({
    ...EnvelopeHeader.entries,
    type: v.literal(event.type),
    version: v.literal(event.version),
    data: event.data,
  });
}

export type EnvelopeOf<E extends EventContract> = EventEnvelope<E["type"], v.InferOutput<E["data"]>>;
