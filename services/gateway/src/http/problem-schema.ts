import { ERROR_CODE_LIST } from "@bazaar/contracts";
import * as v from "valibot";

/**
 * `Problem` is the kit's RFC 9457 problem document (`toProblem`) as a schema, for the OpenAPI document and
 * for tests that check every error the gateway answers. The kit declares it as a TypeScript type only.
 */
export const Problem = v.object({
  type: v.string(),
  title: v.string(),
  status: v.pipe(v.number(), v.integer()),
  detail: v.string(),
  code: v.picklist(ERROR_CODE_LIST),
  reason: v.optional(v.string()),
  issues: v.optional(v.array(v.object({ path: v.string(), message: v.string() }))),
  details: v.optional(v.record(v.string(), v.unknown())),
  instance: v.optional(v.string()),
  traceId: v.optional(v.string()),
});
export type Problem = v.InferOutput<typeof Problem>;
