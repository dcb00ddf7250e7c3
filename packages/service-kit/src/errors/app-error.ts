import { type ErrorBody, type ErrorCode, isErrorCode, statusOf } from "@bazaar/contracts";

export type Issue = { readonly path: string; readonly message: string };

export interface AppErrorOptions {
  readonly cause?: unknown;
  /** Machine-readable reason within the code, e.g. OUT_OF_STOCK. */
  readonly reason?: string | undefined;
  readonly issues?: readonly Issue[] | undefined;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * `AppError` is the one error type that crosses boundaries: a code from the closed table, a message
 * safe to show to the caller, optional reason/issues/details, and the original `cause` (never sent).
 *
 * @example
 * throw new NotFoundError(`product ${sku} not found`);
 * throw new ConflictError("not enough stock", { reason: "OUT_OF_STOCK", details: { sku, available } });
 */
export class AppError extends Error {
  override readonly name: string = "AppError";
  readonly code: ErrorCode;
  readonly reason: string | undefined;
  readonly issues: readonly Issue[] | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  /** Set when the error came back from another service. */
  remote = false;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
    this.issues = options.issues;
    this.details = options.details;
  }

  get status(): number {
    return statusOf(this.code);
  }

  /** The wire body: what the caller may see. */
  toBody(): ErrorBody {
    return {
      code: this.code,
      message: this.message,
      ...(this.reason ? { reason: this.reason } : {}),
      ...(this.issues ? { issues: this.issues } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export class BadRequestError extends AppError {
  override readonly name = "BadRequestError";
  constructor(message: string, options?: AppErrorOptions) {
    super("BAD_REQUEST", message, options);
  }
}
export class UnauthorizedError extends AppError {
  override readonly name = "UnauthorizedError";
  constructor(message = "authentication required", options?: AppErrorOptions) {
    super("UNAUTHORIZED", message, options);
  }
}
export class ForbiddenError extends AppError {
  override readonly name = "ForbiddenError";
  constructor(message = "not allowed", options?: AppErrorOptions) {
    super("FORBIDDEN", message, options);
  }
}
export class NotFoundError extends AppError {
  override readonly name = "NotFoundError";
  constructor(message: string, options?: AppErrorOptions) {
    super("NOT_FOUND", message, options);
  }
}
export class ConflictError extends AppError {
  override readonly name = "ConflictError";
  constructor(message: string, options?: AppErrorOptions) {
    super("CONFLICT", message, options);
  }
}
export class UnprocessableError extends AppError {
  override readonly name = "UnprocessableError";
  constructor(message: string, options?: AppErrorOptions) {
    super("UNPROCESSABLE", message, options);
  }
}
export class RateLimitedError extends AppError {
  override readonly name = "RateLimitedError";
  constructor(message = "too many requests", options?: AppErrorOptions) {
    super("RATE_LIMITED", message, options);
  }
}
export class UnavailableError extends AppError {
  override readonly name = "UnavailableError";
  constructor(message: string, options?: AppErrorOptions) {
    super("UNAVAILABLE", message, options);
  }
}
export class TimeoutError extends AppError {
  override readonly name = "TimeoutError";
  constructor(message: string, options?: AppErrorOptions) {
    super("TIMEOUT", message, options);
  }
}
export class InternalError extends AppError {
  override readonly name = "InternalError";
  constructor(message = "internal error", options?: AppErrorOptions) {
    super("INTERNAL", message, options);
  }
}

const byCode: Record<ErrorCode, new (message: string, options?: AppErrorOptions) => AppError> = {
  BAD_REQUEST: BadRequestError,
  UNAUTHORIZED: UnauthorizedError,
  FORBIDDEN: ForbiddenError,
  NOT_FOUND: NotFoundError,
  CONFLICT: ConflictError,
  PAYLOAD_TOO_LARGE: class extends AppError {
    constructor(message: string, options?: AppErrorOptions) {
      super("PAYLOAD_TOO_LARGE", message, options);
    }
  },
  UNSUPPORTED_MEDIA_TYPE: class extends AppError {
    constructor(message: string, options?: AppErrorOptions) {
      super("UNSUPPORTED_MEDIA_TYPE", message, options);
    }
  },
  UNPROCESSABLE: UnprocessableError,
  RATE_LIMITED: RateLimitedError,
  INTERNAL: InternalError,
  UNAVAILABLE: UnavailableError,
  TIMEOUT: TimeoutError,
};

/** `appError` builds the error class of a code (so `instanceof NotFoundError` works for remote errors too). */
export function appError(code: ErrorCode, message: string, options?: AppErrorOptions): AppError {
  return new byCode[code](message, options);
}

/** `errorFromBody` turns a wire body back into a typed error; anything unrecognised becomes INTERNAL. */
export function errorFromBody(body: unknown, fallbackMessage: string): AppError {
  if (body && typeof body === "object") {
    const b = body as Partial<ErrorBody>;
    if (isErrorCode(b.code)) {
      return appError(b.code, typeof b.message === "string" ? b.message : fallbackMessage, {
        reason: typeof b.reason === "string" ? b.reason : undefined,
        issues: Array.isArray(b.issues) ? b.issues : undefined,
        details: b.details && typeof b.details === "object" ? b.details : undefined,
      });
    }
  }
  return new InternalError(fallbackMessage);
}

/** `isTransient` says whether retrying may help (the call may not have run, or may succeed later). */
export function isTransient(err: unknown): boolean {
  return (
    err instanceof AppError &&
    (err.code === "UNAVAILABLE" || err.code === "TIMEOUT" || err.code === "RATE_LIMITED")
  );
}

/** `UndeclaredDependencyError` is thrown when a service calls or emits something it did not declare. */
export class UndeclaredDependencyError extends Error {
  override readonly name = "UndeclaredDependencyError";
}
