import * as v from "valibot";
import { changedFields } from "../dead-letters/changed-fields.js";
import {
  DeadLetter,
  DeadLetterGroup,
  EditReplayResult,
  FilterEntries,
  FilterQuery,
  objectOnly,
  RawFilterEntries,
  ReplayResult,
  toKitFilter,
} from "../dead-letters/dead-letter-schemas.js";
import { deadLetterJobRoutes } from "../dead-letters/job-routes.js";
import { createReplayJobs } from "../dead-letters/replay-jobs.js";
import type { GatewayRuntime } from "../declaration.js";
import { IntQuery } from "../http/input.js";
import { natsFailure } from "../http/nats-failure.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

export { DeadLetter, ReplayResult } from "../dead-letters/dead-letter-schemas.js";

/** A dead letter's id is its sequence in the dead-letter stream: digits in the path, a number inside. */
const SequenceId = v.pipe(
  v.string(),
  v.regex(/^[1-9]\d{0,15}$/, "must be a positive integer"),
  v.transform(Number),
);
const IdParams = v.object({ id: SequenceId });

const ListQuery = v.object({
  ...FilterEntries,
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000)), 100),
  /** A previous page's `nextCursor`: the dead letters older than it. */
  cursor: v.optional(SequenceId),
});
const RawListQuery = v.object({
  ...RawFilterEntries,
  limit: v.optional(IntQuery),
  cursor: v.optional(v.string()),
});
const RawFilterQuery = v.object(RawFilterEntries);

const DiscardBody = v.object({
  reason: v.pipe(v.string(), v.trim(), v.minLength(1, "must say why"), v.maxLength(500)),
});
const EditBody = v.object({
  /** The event's new `data` (the envelope around it stays), checked against the event's contract. */
  data: objectOnly(v.record(v.string(), v.unknown())),
});

/**
 * `adminDeadLetterRoutes`: the kit's replay API over the dead-letter stream, under `/api/admin/dead-letters`:
 * find, group, replay (one, edited, or in bulk as jobs) and discard. The static paths come before `/:id`.
 */
export function adminDeadLetterRoutes(runtime: GatewayRuntime): RouteGroup {
  const { deadLetters, log } = runtime;
  // One job registry per gateway app: bulk jobs live in this process's memory (see `createReplayJobs`).
  const jobs = createReplayJobs({ deadLetters, log });

  const list = defineRoute({
    method: "get",
    path: "/",
    access: "admin",
    summary: "Events a consumer gave up on, newest first, filtered and paged by cursor",
    query: { raw: RawListQuery, schema: ListQuery },
    success: {
      status: 200,
      description: "A page of dead letters; `nextCursor` (null on the last page) is the next page's `cursor`",
      schema: v.object({ items: v.array(DeadLetter), nextCursor: v.nullable(v.string()) }),
    },
    handler: async (c, { query }) => {
      const { limit, cursor, ...filter } = query;
      const kitFilter = toKitFilter(filter);
      try {
        const page = await deadLetters.page({
          filter: kitFilter,
          limit,
          ...(cursor === undefined ? {} : { before: cursor }),
        });
        return c.json({
          items: page.items,
          nextCursor: page.nextCursor === null ? null : String(page.nextCursor),
        });
      } catch (err) {
        throw natsFailure(err, "listing dead letters");
      }
    },
  });

  const groups = defineRoute({
    method: "get",
    path: "/groups",
    access: "admin",
    summary:
      "Dead letters grouped by service, consumer and error (ids and numbers collapsed), largest group first",
    query: { raw: RawFilterQuery, schema: FilterQuery },
    success: {
      status: 200,
      description: "The groups, and how many dead letters matched",
      schema: v.object({ groups: v.array(DeadLetterGroup), total: v.number() }),
    },
    handler: async (c, { query }) => {
      const kitFilter = toKitFilter(query);
      try {
        return c.json(await deadLetters.groups(kitFilter));
      } catch (err) {
        throw natsFailure(err, "grouping dead letters");
      }
    },
  });

  const one = defineRoute({
    method: "get",
    path: "/:id",
    access: "admin",
    summary: "One dead letter, with its payload and error",
    params: IdParams,
    success: { status: 200, description: "The dead letter", schema: DeadLetter },
    errors: ["NOT_FOUND"],
    handler: async (c, { params }) => {
      try {
        return c.json(await deadLetters.get(params.id));
      } catch (err) {
        throw natsFailure(err, "reading a dead letter");
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
        return c.json(await deadLetters.replay(params.id));
      } catch (err) {
        throw natsFailure(err, "replaying a dead letter");
      }
    },
  });

  const editReplay = defineRoute({
    method: "post",
    path: "/:id/edit-replay",
    access: "admin",
    summary:
      "Replace a dead letter's event data (checked against its event's contract) and republish it under the same event id, recording who edited it and when",
    description:
      "The envelope (id, type, version, occurredAt, source, trace) stays, so the consumer's inbox still recognises the event; the message carries `Bazaar-Edited-By` and `Bazaar-Edited-At`. The dead letter is removed, and the edit is logged with the operator and the fields it changed (not their values).",
    params: IdParams,
    body: EditBody,
    success: { status: 200, description: "Where the edited event was republished", schema: EditReplayResult },
    errors: ["NOT_FOUND", "UNPROCESSABLE"],
    handler: async (c, { params, body }) => {
      const by = c.get("principal")?.userId;
      let before: Awaited<ReturnType<typeof deadLetters.get>>;
      let result: Awaited<ReturnType<typeof deadLetters.editReplay>>;
      try {
        before = await deadLetters.get(params.id);
        result = await deadLetters.editReplay(params.id, { data: body.data, editedBy: by });
      } catch (err) {
        throw natsFailure(err, "replaying an edited dead letter");
      }
      // The event now says something it did not: who changed which fields stays in the log.
      log.warn(
        {
          deadLetter: params.id,
          eventId: result.eventId,
          eventType: before.eventType,
          consumer: before.consumer,
          by,
          changed: changedFields(before.payload, body.data),
          streamSeq: result.streamSeq,
        },
        "dead letter edited and replayed by an operator",
      );
      return c.json(result);
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
        discarded = await deadLetters.discard(params.id);
      } catch (err) {
        throw natsFailure(err, "discarding a dead letter");
      }
      // The event is gone for good: who let it go, and why, stays in the log.
      log.warn(
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

  return {
    prefix: "/api/admin/dead-letters",
    tag: "admin",
    routes: [list, groups, ...deadLetterJobRoutes(jobs), one, replay, editReplay, discard],
  };
}
