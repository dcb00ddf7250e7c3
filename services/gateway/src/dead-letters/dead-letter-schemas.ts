import type { DeadLetterFilter } from "@bazaar/service-kit/platform";
import { BadRequestError } from "@bazaar/service-kit/platform";
import * as v from "valibot";
import { isJsonObject } from "../http/input.js";

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
  /** Its failure's group: pass it as `groupKey` to list, replay or discard the whole group. */
  groupKey: v.string(),
  /** Present when an operator edited the event before a replay that failed again. */
  edited: v.optional(v.object({ by: v.nullable(v.string()), at: v.string() })),
});

export const ReplayResult = v.object({
  id: v.number(),
  subject: v.string(),
  eventId: v.optional(v.string()),
  streamSeq: v.number(),
});

export const EditReplayResult = v.object({
  ...ReplayResult.entries,
  editedBy: v.nullable(v.string()),
  editedAt: v.string(),
});

export const DeadLetterGroup = v.object({
  key: v.string(),
  service: v.string(),
  consumer: v.string(),
  errorPattern: v.string(),
  sampleError: v.string(),
  sampleId: v.number(),
  count: v.number(),
  firstFailedAt: v.string(),
  lastFailedAt: v.string(),
  eventTypes: v.array(v.string()),
});

export const ServiceName = v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,30}$/, "must be a service name"));
const Name = v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(100));
const Instant = v.pipe(v.string(), v.isoTimestamp("must be an ISO 8601 timestamp"));
export const GroupKey = v.pipe(v.string(), v.regex(/^[0-9a-f]{16}$/, "must be a group key (16 hex digits)"));

/** The filter's fields, checked: the same in a query string and in a bulk command's body. */
export const FilterEntries = {
  service: v.optional(ServiceName),
  consumer: v.optional(Name),
  /** The stream the event came from, e.g. `USERS`. */
  stream: v.optional(Name),
  eventType: v.optional(Name),
  /** A case-insensitive substring of the error. */
  error: v.optional(v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(200))),
  /** Failed at or after (ISO 8601). */
  from: v.optional(Instant),
  /** Failed at or before (ISO 8601). */
  to: v.optional(Instant),
  groupKey: v.optional(GroupKey),
};

/** The filter's fields as a query string brings them (checked by `FilterEntries` next). */
export const RawFilterEntries = {
  service: v.optional(v.string()),
  consumer: v.optional(v.string()),
  stream: v.optional(v.string()),
  eventType: v.optional(v.string()),
  error: v.optional(v.string()),
  from: v.optional(v.string()),
  to: v.optional(v.string()),
  groupKey: v.optional(v.string()),
};

/**
 * `objectOnly` refuses a JSON array where a nested object is expected (`isJsonObject`; the body itself is
 * checked by `readInput`): an empty one would otherwise read as "no filter: every dead letter". The check
 * runs on the input, before `schema` builds its output (the document shows `schema`).
 */
export function objectOnly<TSchema extends v.GenericSchema<object>>(schema: TSchema) {
  return v.pipe(v.custom<v.InferInput<TSchema>>(isJsonObject, "must be an object"), schema);
}

/** The filter in a query string (where it cannot be an array) and, as `Filter`, in a body. */
export const FilterQuery = v.object(FilterEntries);
export const Filter = objectOnly(FilterQuery);
export type Filter = v.InferOutput<typeof Filter>;

/**
 * `toKitFilter` is the kit's filter from a checked one, refusing a time range that ends before it starts
 * (which would match nothing, and is a mistake rather than a question).
 */
export function toKitFilter(filter: Filter): DeadLetterFilter {
  const from = filter.from === undefined ? undefined : new Date(filter.from);
  const to = filter.to === undefined ? undefined : new Date(filter.to);
  if (from && to && from.getTime() > to.getTime())
    throw new BadRequestError("invalid filter (from: must not be after to)", {
      issues: [{ path: "from", message: "must not be after to" }],
    });
  return { ...filter, from, to };
}

/** Only the fields that were given, so a job's filter reads as the operator wrote it. */
export function definedFields(filter: Filter): Filter {
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined)) as Filter;
}

export const ReplayJob = v.object({
  jobId: v.pipe(v.string(), v.uuid()),
  kind: v.picklist(["replay", "discard"]),
  status: v.picklist(["running", "completed", "failed"]),
  filter: Filter,
  groupKey: v.nullable(v.string()),
  /** Dead letters that matched so far (the stream is read in batches as the job goes). */
  matched: v.number(),
  replayed: v.number(),
  discarded: v.number(),
  /** Their republish or removal failed: they stay dead letters. */
  failed: v.number(),
  /** Gone before their turn (replayed or discarded by someone else meanwhile). */
  skipped: v.number(),
  startedAt: v.string(),
  finishedAt: v.nullable(v.string()),
  startedBy: v.nullable(v.string()),
  /** Why the job stopped early, when it failed. */
  error: v.nullable(v.string()),
});
export type ReplayJob = v.InferOutput<typeof ReplayJob>;
