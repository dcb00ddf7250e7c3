import { ERROR_CODES } from "@bazaar/contracts";
import { AppError, InternalError } from "../errors/app-error.js";

/** RFC 9457 problem details, with the kit's error code and the trace id to quote in a bug report. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly reason?: string;
  readonly issues?: ReadonlyArray<{ path: string; message: string }>;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly instance?: string;
  readonly traceId?: string;
}

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** `toProblem` maps any error to a problem document; unknown errors never leak their message. */
export function toProblem(err: unknown, context: { instance?: string; traceId?: string } = {}): Problem {
  const appErr =
    err instanceof AppError
      ? err
      : new InternalError(context.traceId ? `internal error (trace ${context.traceId})` : "internal error");
  const body = appErr.toBody();
  return {
    type: `https://bazaar.dev/problems/${appErr.code.toLowerCase().replace(/_/g, "-")}`,
    title: ERROR_CODES[appErr.code].title,
    status: appErr.status,
    detail: body.message,
    code: appErr.code,
    ...(body.reason ? { reason: body.reason } : {}),
    ...(body.issues ? { issues: body.issues } : {}),
    ...(body.details ? { details: body.details } : {}),
    ...(context.instance ? { instance: context.instance } : {}),
    ...(context.traceId ? { traceId: context.traceId } : {}),
  };
}

/** `problemResponse` is the HTTP response for an error. */
export function problemResponse(
  err: unknown,
  context: { instance?: string; traceId?: string; headers?: Record<string, string> } = {},
): Response {
  const problem = toProblem(err, context);
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...(context.headers ?? {}) },
  });
}
