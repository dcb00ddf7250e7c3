import type * as v from "valibot";
import type { OperationDoc } from "../openapi/operation.js";
import { IDEMPOTENCY_KEY_HEADER, REQUIRED_IDEMPOTENCY_KEY_HEADER } from "../openapi/operation.js";
import { type InputRules, readInput } from "./read-input.js";
import type { OutputOf, RouteDeclaration, RouteInput, RouteSpec } from "./route-declaration.js";

/** The entries of an object schema (path parameters and queries are objects), for the document. */
function entriesOf(schema: v.GenericSchema | undefined): Readonly<Record<string, v.GenericSchema>> {
  return schema && "entries" in schema ? (schema.entries as Record<string, v.GenericSchema>) : {};
}

/**
 * `defineRoute` declares one route once. The same declaration gives the router its handler (the guard the
 * access implies, validation of the declared schemas, the `Idempotency-Key` guard when it is required,
 * then the handler with the typed input) and the document its operation: nothing can be served that is
 * not documented, or documented otherwise than it is served.
 *
 * @example
 * defineRoute({
 *   method: "get", path: "/:sku", access: "public", summary: "One product by SKU",
 *   params: v.object({ sku: Sku }),
 *   success: { status: 200, description: "The product", schema: inventory.Product },
 *   errors: ["NOT_FOUND"],
 *   handler: async (c, { params }) => c.json(await lookUp(params.sku)),
 * });
 */
export function defineRoute<
  TParams extends v.GenericSchema | undefined = undefined,
  TQuery extends v.GenericSchema | undefined = undefined,
  TBody extends v.GenericSchema | undefined = undefined,
>(spec: RouteSpec<TParams, TQuery, TBody>): RouteDeclaration {
  const { handler, params, query, body, idempotencyKey, longLived, ...doc } = spec;
  const header =
    idempotencyKey === "required"
      ? REQUIRED_IDEMPOTENCY_KEY_HEADER
      : idempotencyKey === "optional"
        ? IDEMPOTENCY_KEY_HEADER
        : undefined;
  const paramsSchema: v.GenericSchema | undefined = params;
  const querySchema: v.GenericSchema | undefined = query?.schema;
  const bodySchema: v.GenericSchema | undefined = body;
  const operation: Omit<OperationDoc, "tag"> & { tag?: string } = {
    ...doc,
    ...(paramsSchema ? { params: entriesOf(paramsSchema) } : {}),
    ...(query ? { query: query.doc ?? entriesOf(querySchema) } : {}),
    ...(bodySchema ? { body: bodySchema } : {}),
    ...(header ? { headers: [header] } : {}),
  };
  const rules: InputRules = {
    access: spec.access,
    params: paramsSchema,
    query: query && querySchema ? { raw: query.raw, schema: querySchema } : undefined,
    idempotencyKey,
    body: bodySchema,
    bodyRequired: spec.bodyRequired ?? true,
  };
  return {
    method: spec.method,
    path: spec.path,
    longLived: longLived ?? false,
    doc: operation,
    handle: async (c) => {
      const input = await readInput(c, rules);
      // `readInput` validated each part with the schema it is typed by.
      return handler(c, input as RouteInput<OutputOf<TParams>, OutputOf<TQuery>, OutputOf<TBody>>);
    },
  };
}
