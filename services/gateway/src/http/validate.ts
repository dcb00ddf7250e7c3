import { BadRequestError, toIssues } from "@bazaar/service-kit/platform";
import * as v from "valibot";

/** `issuesOf` lists each problem as a field path and a message that never quotes the input (the kit's rule). */
export const issuesOf = toIssues;

/**
 * `validate` parses client input against a schema (made from a contract's), or throws BAD_REQUEST listing
 * each field path. Like the kit's `parseOrThrow`, except that the messages are scrubbed of the values.
 */
export function validate<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  what: string,
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return result.output;
  const issues = issuesOf(result.issues);
  const first = issues[0];
  const more = issues.length > 1 ? `, and ${issues.length - 1} more` : "";
  throw new BadRequestError(
    `invalid ${what} (${first?.path || what}: ${first?.message ?? "invalid"}${more})`,
    {
      issues,
    },
  );
}
