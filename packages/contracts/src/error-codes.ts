/**
 * The closed set of error codes every boundary speaks, each with its HTTP status, defined once.
 * RPC replies carry the code in the `Bazaar-Error-Code` header and the status in `Nats-Service-Error-Code`;
 * the gateway answers `application/problem+json` with the same status.
 */
export const ERROR_CODES = {
  BAD_REQUEST: { status: 400, title: "Bad request" },
  UNAUTHORIZED: { status: 401, title: "Unauthorized" },
  FORBIDDEN: { status: 403, title: "Forbidden" },
  NOT_FOUND: { status: 404, title: "Not found" },
  CONFLICT: { status: 409, title: "Conflict" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "Payload too large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type" },
  UNPROCESSABLE: { status: 422, title: "Unprocessable" },
  RATE_LIMITED: { status: 429, title: "Too many requests" },
  INTERNAL: { status: 500, title: "Internal error" },
  UNAVAILABLE: { status: 503, title: "Service unavailable" },
  TIMEOUT: { status: 504, title: "Timeout" },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Every code, for validating what comes off the wire. */
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** `isErrorCode` narrows a string from the wire to the closed set. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && Object.hasOwn(ERROR_CODES, value);
}

/** `statusOf` is the HTTP status of a code. */
export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

/** Codes a caller may retry: the request may not have run, or may succeed later. */
export const TRANSIENT_ERROR_CODES: readonly ErrorCode[] = ["UNAVAILABLE", "TIMEOUT", "RATE_LIMITED"];

/** The JSON body of an error reply, on NATS and (inside a problem document) on HTTP. */
export interface ErrorBody {
  readonly code: ErrorCode;
  readonly message: string;
  /** Machine-readable reason within the code, e.g. `OUT_OF_STOCK`, `CARD_DECLINED`. */
  readonly reason?: string;
  /** Field-level problems for `BAD_REQUEST`: a dotted path and a message, never the input value. */
  readonly issues?: ReadonlyArray<{ readonly path: string; readonly message: string }>;
  readonly details?: Readonly<Record<string, unknown>>;
}
