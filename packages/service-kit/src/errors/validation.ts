import * as v from "valibot";
import { BadRequestError, type Issue } from "./app-error.js";

const RECEIVED = /(?: but received|:\s*Received) .*$/s;

/** `toIssues` reduces valibot issues to a path and a message each; the input value is never included. */
export function toIssues(issues: readonly v.BaseIssue<unknown>[]): Issue[] {
  // valibot's default messages end with the value: "… but received <value>" for a wrong type, and
  // ": Received <value>" for a failed check (integer, email, uuid …). Keep what was expected, drop the value.
  return issues.map((issue) => ({
    path: v.getDotPath(issue) ?? "",
    message: issue.message.replace(RECEIVED, ""),
  }));
}

/**
 * `parseOrThrow` validates `input` and returns the parsed output, or throws `BadRequestError` listing each
 * field path and message (never echoing the input back).
 */
export function parseOrThrow<TSchema extends v.GenericSchema>(
  schema: TSchema,
  input: unknown,
  what = "request",
): v.InferOutput<TSchema> {
  const result = v.safeParse(schema, input, { abortEarly: false });
  if (result.success) return result.output;
  const issues = toIssues(result.issues);
  const first = issues[0];
  const summary = first ? `${first.path || what}: ${first.message}` : "invalid";
  return throwBadRequest(
    `invalid ${what} (${summary}${issues.length > 1 ? `, and ${issues.length - 1} more` : ""})`,
    issues,
  );
}

function throwBadRequest(message: string, issues: Issue[]): never {
  throw new BadRequestError(message, { issues });
}
