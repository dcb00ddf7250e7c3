import { ERROR_CODE_LIST, type ErrorCode, statusOf } from "@bazaar/contracts";
import {
  AppError,
  appError,
  type Logger,
  PROBLEM_CONTENT_TYPE,
  toProblem,
} from "@bazaar/service-kit/platform";
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { requestValues, withoutEcho } from "./echo-guard.js";
import type { GatewayEnv } from "./gateway-env.js";

/** The closed code table read backwards once: the code that stands for an HTTP status. */
const CODE_BY_STATUS: ReadonlyMap<number, ErrorCode> = new Map(
  ERROR_CODE_LIST.map((code) => [statusOf(code), code] as const),
);

/**
 * `toAppError` puts every failure into the closed code set: Hono's `HTTPException`s (a 413 from the body
 * limit, a 400 for malformed JSON) keep their status when the table has it; any other status becomes
 * BAD_REQUEST (4xx) or INTERNAL. Errors that are neither stay as they are (`toProblem` hides them).
 */
export function toAppError(err: unknown): unknown {
  if (err instanceof AppError || !(err instanceof HTTPException)) return err;
  const code = CODE_BY_STATUS.get(err.status) ?? (err.status < 500 ? "BAD_REQUEST" : "INTERNAL");
  return appError(code, err.message || "request refused", { cause: err });
}

const BEARER_CHALLENGE = 'Bearer realm="bazaar"';
const INVALID_TOKEN_CHALLENGE = 'Bearer realm="bazaar", error="invalid_token"';

/** Headers particular to one refusal (`Retry-After`, `Connection: close`), attached where it is thrown. */
const EXTRA_HEADERS = new WeakMap<object, Readonly<Record<string, string>>>();

/**
 * `withResponseHeaders` attaches headers to an error for the response the error handler makes of it:
 * middleware and routes throw their refusals (a 429 with `Retry-After`, a 413 with `Connection: close`)
 * instead of writing responses, so every failure is answered in one place.
 */
export function withResponseHeaders<E extends Error>(err: E, headers: Readonly<Record<string, string>>): E {
  EXTRA_HEADERS.set(err, { ...(EXTRA_HEADERS.get(err) ?? {}), ...headers });
  return err;
}

/** Headers an error response carries besides its body: the RFC 6750 challenge on 401, and any attached. */
function headersFor(err: unknown, original: unknown): Record<string, string> {
  const attached = (typeof original === "object" && original !== null && EXTRA_HEADERS.get(original)) || {};
  if (!(err instanceof AppError) || err.code !== "UNAUTHORIZED") return { ...attached };
  return { "WWW-Authenticate": err.reason ? INVALID_TOKEN_CHALLENGE : BEARER_CHALLENGE, ...attached };
}

/**
 * `errorResponse` is the gateway's only way to answer a failure: `application/problem+json` with the kit's
 * code. Its `instance` is the route (`/api/orders/:id`), not the path the client sent, and its detail has
 * the request's values taken out (a downstream service's message may name them): a refusal never repeats
 * what came with the request.
 */
function errorResponse(err: unknown, c: Context<GatewayEnv>): Response {
  const mapped = toAppError(err);
  const scope = c.get("scope");
  const problem = toProblem(mapped, {
    instance: c.req.routePath,
    ...(scope ? { traceId: scope.trace.traceId } : {}),
  });
  return new Response(JSON.stringify({ ...problem, detail: withoutEcho(problem.detail, requestValues(c)) }), {
    status: problem.status,
    headers: { "content-type": PROBLEM_CONTENT_TYPE, ...headersFor(mapped, err) },
  });
}

/**
 * `gatewayErrorHandler` is the gateway's one error handler, and it replaces the kit's `onError`: same
 * problem documents, plus Hono's exceptions mapped onto the closed codes, the bearer challenge and the
 * headers a refusal was thrown with. Every sub-app and middleware throws into it. Unexpected failures are logged with their cause; a
 * downstream outage (503/504) is a warning, since the response already says what happened.
 */
export function gatewayErrorHandler(log: Logger): ErrorHandler {
  return (err, c) => {
    const response = errorResponse(err, c);
    if (response.status >= 500) {
      const transient = response.status === 503 || response.status === 504;
      log[transient ? "warn" : "error"]({ err, path: c.req.path }, "HTTP request failed");
    }
    return response;
  };
}
