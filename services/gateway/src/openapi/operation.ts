import type { ErrorCode } from "@bazaar/contracts";
import type * as v from "valibot";

/** Who may call a route. */
export type Access = "public" | "user" | "admin";

/** A response that is not an error although its status is not the success's (a 503 health report). */
export interface ResponseDoc {
  readonly status: number;
  readonly description: string;
  readonly schema?: v.GenericSchema;
  /** Default `application/json`. */
  readonly contentType?: string;
  /** Response headers by name, with a description. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * `OperationDoc` describes one route for the OpenAPI document. The gateway's come from its route
 * declarations (`defineRoute`), built from the same schemas the routes validate with (the contracts'), so
 * the document cannot fall behind; `platformDocs` describes the kit's own routes.
 */
export interface OperationDoc {
  readonly method: "get" | "post";
  /** The Hono path (`/api/orders/:id`); the spec writes `{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly access: Access;
  /** Path parameters by name. */
  readonly params?: Readonly<Record<string, v.GenericSchema>>;
  /** Query parameters by name (the contract's entries: their bounds and defaults). */
  readonly query?: Readonly<Record<string, v.GenericSchema>>;
  readonly body?: v.GenericSchema;
  readonly bodyRequired?: boolean;
  /** Request headers the route reads, e.g. `Idempotency-Key`. */
  readonly headers?: readonly HeaderDoc[];
  readonly success: ResponseDoc;
  /** Other statuses answered with a body of their own rather than a problem document. */
  readonly alternatives?: readonly ResponseDoc[];
  /** The kit's own routes (health, metrics) answer before the gateway's middleware (no limits apply). */
  readonly servedBy?: "kit";
  /** Errors particular to this route; those every route can answer are added by the spec builder. */
  readonly errors?: readonly ErrorCode[];
}

/** A request header a route reads. */
export interface HeaderDoc {
  readonly name: string;
  readonly description: string;
  /** Refused with 400 when missing (default: optional). */
  readonly required?: boolean;
  /** Errors the header brings, each with what it means here. */
  readonly errors?: Readonly<Partial<Record<ErrorCode, string>>>;
}

/** The optional `Idempotency-Key` of a command that is safe to repeat anyway (its natural key decides). */
export const IDEMPOTENCY_KEY_HEADER: HeaderDoc = {
  name: "Idempotency-Key",
  description:
    "Retries of the same command send the same key and get the first result (1 to 200 characters).",
};

/**
 * The required `Idempotency-Key` of a command that moves money or stock, or creates something (IETF
 * `Idempotency-Key` draft): the route refuses a request without it, the service stores its first answer
 * under the key, scoped to the caller. A route declared with `idempotencyKey: "required"` gets both
 * this doc and the guard.
 */
export const REQUIRED_IDEMPOTENCY_KEY_HEADER: HeaderDoc = {
  name: "Idempotency-Key",
  required: true,
  description:
    "Required: a fresh unique value (a UUID) per operation, 1 to 200 characters, and the same value when retrying it. A retry with the same key and body gets the first answer; keys are scoped to the caller (the token's user, or anonymous) and kept 7 days.",
  errors: {
    BAD_REQUEST: "The Idempotency-Key header is missing or not 1 to 200 characters (or the body is invalid)",
    CONFLICT: "A request with this Idempotency-Key is still being processed: retry later with the same key",
    UNPROCESSABLE: "This Idempotency-Key was already used for a different request body",
  },
};
