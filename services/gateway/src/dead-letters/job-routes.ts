import { BadRequestError, NotFoundError } from "@bazaar/service-kit/platform";
import * as v from "valibot";
import { idempotencyKeyOf } from "../http/idempotency.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteDeclaration } from "../routing/route-declaration.js";
import { definedFields, Filter, GroupKey, ReplayJob, toKitFilter } from "./dead-letter-schemas.js";
import type { ReplayJobs } from "./replay-jobs.js";

const IN_MEMORY =
  "Jobs run in this gateway, one at a time (CONFLICT while one runs), and live in its memory: a restart loses the job record, not the replays already done, and replaying again is harmless because consumers dedupe by event id.";

const ReplayEntries = {
  filter: v.optional(Filter, {}),
  /** Shorthand for `filter.groupKey`. */
  groupKey: v.optional(GroupKey),
};
// A body that is not an object (an array read as `{}`: "everything") is refused by `readInput` itself.
const ReplayBody = v.object(ReplayEntries);
const DiscardBody = v.object({
  ...ReplayEntries,
  reason: v.pipe(v.string(), v.trim(), v.minLength(1, "must say why"), v.maxLength(500)),
});
const JobParams = v.object({ jobId: v.pipe(v.string(), v.uuid("must be a job id (a UUID)")) });

/** The job's filter: the body's, with the shorthand `groupKey` folded in (two different keys are a mistake). */
function filterOf(body: v.InferOutput<typeof ReplayBody>): Filter {
  const { filter, groupKey } = body;
  if (groupKey !== undefined && filter.groupKey !== undefined && groupKey !== filter.groupKey)
    throw new BadRequestError("invalid request body (groupKey: differs from filter.groupKey)", {
      issues: [{ path: "groupKey", message: "differs from filter.groupKey" }],
    });
  return definedFields({ ...filter, ...(groupKey === undefined ? {} : { groupKey }) });
}

/** `deadLetterJobRoutes`: bulk replay and discard of dead letters as jobs, and their progress. */
export function deadLetterJobRoutes(jobs: ReplayJobs): RouteDeclaration[] {
  const replay = defineRoute({
    method: "post",
    path: "/replays",
    access: "admin",
    summary:
      "Replay every dead letter matching a filter (or a group) as a job kept in this gateway's memory (a restart loses the job record, not the replays done); poll its progress",
    description: `The job walks the whole dead-letter stream and republishes each match to the consumer that gave up on it, as the single replay does. \`{}\` replays every dead letter. ${IN_MEMORY}`,
    body: ReplayBody,
    idempotencyKey: "optional",
    success: { status: 202, description: "The job, started", schema: ReplayJob },
    errors: ["CONFLICT", "UNPROCESSABLE"],
    handler: (c, { body }) => {
      const shown = filterOf(body);
      const { job } = jobs.start({
        kind: "replay",
        shown,
        filter: toKitFilter(shown),
        startedBy: c.get("principal")?.userId,
        idempotencyKey: idempotencyKeyOf(c),
      });
      return c.json(job, 202);
    },
  });

  const discard = defineRoute({
    method: "post",
    path: "/discards",
    access: "admin",
    summary:
      "Discard every dead letter matching a filter (or a group) for good, saying why, as a job kept in this gateway's memory (a restart loses the job record, not the discards done)",
    description: `Each match is removed from the dead-letter stream; the job is logged with the operator and the reason. ${IN_MEMORY}`,
    body: DiscardBody,
    idempotencyKey: "optional",
    success: { status: 202, description: "The job, started", schema: ReplayJob },
    errors: ["CONFLICT", "UNPROCESSABLE"],
    handler: (c, { body }) => {
      const shown = filterOf(body);
      const { job } = jobs.start({
        kind: "discard",
        shown,
        filter: toKitFilter(shown),
        startedBy: c.get("principal")?.userId,
        idempotencyKey: idempotencyKeyOf(c),
        reason: body.reason,
      });
      return c.json(job, 202);
    },
  });

  const list = defineRoute({
    method: "get",
    path: "/replays",
    access: "admin",
    summary: "This gateway's recent dead-letter jobs (replays and discards), newest first",
    description: IN_MEMORY,
    success: { status: 200, description: "The jobs", schema: v.object({ items: v.array(ReplayJob) }) },
    handler: (c) => c.json({ items: jobs.list() }),
  });

  const one = defineRoute({
    method: "get",
    path: "/replays/:jobId",
    access: "admin",
    summary: "A dead-letter job's progress: status and counts",
    description: IN_MEMORY,
    params: JobParams,
    success: { status: 200, description: "The job", schema: ReplayJob },
    errors: ["NOT_FOUND"],
    handler: (c, { params }) => {
      const job = jobs.get(params.jobId);
      // Jobs are in memory: one this gateway never ran, or ran before a restart, is not found.
      if (!job) throw new NotFoundError("no such dead-letter job on this gateway");
      return c.json(job);
    },
  });

  return [replay, discard, list, one];
}
