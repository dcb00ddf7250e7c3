import type { Context } from "hono";
import type * as v from "valibot";
import type { GatewayEnv } from "../http/gateway-env.js";
import type { OperationDoc } from "../openapi/operation.js";

/** Whether a route reads the `Idempotency-Key` header: required (refused without) or optional. */
export type IdempotencyUse = "required" | "optional";

/** What a route's handler receives once its guard and validation passed. */
export interface RouteInput<TParams, TQuery, TBody> {
  readonly params: TParams;
  readonly query: TQuery;
  readonly body: TBody;
}

/** The output of an optional schema, or `undefined` when the route declares none. */
export type OutputOf<T> = T extends v.GenericSchema ? v.InferOutput<T> : undefined;

/**
 * `RouteSpec` is everything about one route, written once: what the document says (summary, access,
 * schemas, errors) and what the router does with it (the guard its access implies, validation of the same
 * schemas, the idempotency key guard, the handler). `path` is relative to its group's prefix.
 */
export interface RouteSpec<
  TParams extends v.GenericSchema | undefined,
  TQuery extends v.GenericSchema | undefined,
  TBody extends v.GenericSchema | undefined,
> extends Omit<OperationDoc, "path" | "tag" | "params" | "query" | "body" | "headers" | "servedBy"> {
  readonly path: string;
  /** Default: the group's tag. */
  readonly tag?: string;
  /** Path parameters: an object schema over the strings of the path (its entries are documented). */
  readonly params?: TParams;
  /**
   * The query: `raw` turns the strings that arrive into typed values, then `schema` (the contract's own
   * entries, with their bounds and defaults) checks them, so the bounds are written once. The document
   * shows `doc`, by default the entries of `schema`.
   */
  readonly query?: {
    readonly raw: v.GenericSchema;
    readonly schema: TQuery;
    readonly doc?: Readonly<Record<string, v.GenericSchema>>;
  };
  readonly body?: TBody;
  readonly idempotencyKey?: IdempotencyUse;
  /**
   * A long-lived response (the event stream) runs without the request deadline: a stream is meant to stay
   * open past `ROUTE_TIMEOUT_MS`.
   */
  readonly longLived?: boolean;
  readonly handler: (
    c: Context<GatewayEnv>,
    input: RouteInput<OutputOf<TParams>, OutputOf<TQuery>, OutputOf<TBody>>,
  ) => Response | Promise<Response>;
}

/**
 * `RouteDeclaration` is a route with its types erased, ready for a group: its relative path and method for
 * the router, the Hono handler that runs guard, validation and handler, and the options the group reads.
 */
export interface RouteDeclaration {
  readonly method: OperationDoc["method"];
  readonly path: string;
  readonly longLived: boolean;
  /** The route's operation, its path still relative to the group's prefix. */
  readonly doc: Omit<OperationDoc, "tag"> & { readonly tag?: string };
  readonly handle: (c: Context<GatewayEnv>) => Promise<Response>;
}
