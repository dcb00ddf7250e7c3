import type { ErrorCode } from "@bazaar/contracts";
import type * as v from "valibot";

/** Who may call a route. */
export type Access = "public" | "user" | "admin";

/**
 * `OperationDoc` describes one route for the OpenAPI document. Each route file exports the docs of its
 * routes next to them, built from the same schemas the routes validate with (the contracts'); start-up
 * refuses a route without a doc, so the spec cannot fall behind.
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
  readonly headers?: ReadonlyArray<{ readonly name: string; readonly description: string }>;
  readonly success: {
    readonly status: number;
    readonly description: string;
    readonly schema?: v.GenericSchema;
    /** Default `application/json`. */
    readonly contentType?: string;
    /** Response headers by name, with a description. */
    readonly headers?: Readonly<Record<string, string>>;
  };
  /** Errors particular to this route; those every route can answer are added by the spec builder. */
  readonly errors?: readonly ErrorCode[];
}

/** The one description of the `Idempotency-Key` request header. */
export const IDEMPOTENCY_KEY_HEADER = {
  name: "Idempotency-Key",
  description:
    "Retries of the same command send the same key and get the first result (1 to 200 characters).",
} as const;
