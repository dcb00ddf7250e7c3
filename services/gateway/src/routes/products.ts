import { inventory, PageRequest, Sku } from "@bazaar/contracts";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { PageQuery } from "../http/input.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

/** `productRoutes`: the public catalogue, under `/api/products` (inventory). */
export function productRoutes(runtime: GatewayRuntime): RouteGroup {
  const list = defineRoute({
    method: "get",
    path: "/",
    access: "public",
    summary: "The catalogue, one page at a time, ordered by SKU",
    query: { raw: PageQuery, schema: v.object({ ...PageRequest }) },
    success: {
      status: 200,
      description: "A page of products; pass nextCursor as cursor for the next",
      schema: inventory.listProducts.response,
    },
    handler: async (c, { query }) =>
      c.json(await runtime.call(inventory.listProducts, query, downstream(c, inventory.listProducts))),
  });

  const one = defineRoute({
    method: "get",
    path: "/:sku",
    access: "public",
    summary: "One product by SKU",
    params: v.object({ sku: Sku }),
    success: { status: 200, description: "The product", schema: inventory.Product },
    errors: ["NOT_FOUND"],
    handler: async (c, { params }) =>
      c.json(await runtime.call(inventory.getProduct, params, downstream(c, inventory.getProduct))),
  });

  return { prefix: "/api/products", tag: "catalogue", routes: [list, one] };
}
