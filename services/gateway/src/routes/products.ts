import { inventory, PageRequest, Sku } from "@bazaar/contracts";
import { Hono } from "hono";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { PageQuery, paramsOf, queryOf } from "../http/input.js";
import type { OperationDoc } from "../openapi/operation.js";

const Page = v.object({ ...PageRequest });
const SkuParams = v.object({ sku: Sku });

export const productDocs: readonly OperationDoc[] = [
  {
    method: "get",
    path: "/api/products",
    tag: "catalogue",
    access: "public",
    summary: "The catalogue, one page at a time, ordered by SKU",
    query: PageRequest,
    success: {
      status: 200,
      description: "A page of products; pass nextCursor as cursor for the next",
      schema: inventory.listProducts.response,
    },
  },
  {
    method: "get",
    path: "/api/products/:sku",
    tag: "catalogue",
    access: "public",
    summary: "One product by SKU",
    params: { sku: Sku },
    success: { status: 200, description: "The product", schema: inventory.Product },
    errors: ["NOT_FOUND"],
  },
];

/** `productRoutes`: the public catalogue (inventory). */
export function productRoutes(runtime: GatewayRuntime): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.get("/api/products", queryOf(PageQuery, Page), async (c) =>
    c.json(
      await runtime.call(inventory.listProducts, c.req.valid("query"), downstream(c, inventory.listProducts)),
    ),
  );

  app.get("/api/products/:sku", paramsOf(SkuParams), async (c) =>
    c.json(
      await runtime.call(inventory.getProduct, c.req.valid("param"), downstream(c, inventory.getProduct)),
    ),
  );

  return app;
}
