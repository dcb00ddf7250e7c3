import { inventory, Sku } from "@bazaar/contracts";
import { Hono } from "hono";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { idempotencyKeyOf, requireIdempotencyKey } from "../http/idempotency.js";
import { jsonBody, paramsOf, requireJson } from "../http/input.js";
import { type OperationDoc, REQUIRED_IDEMPOTENCY_KEY_HEADER } from "../openapi/operation.js";

export const RestockBody = v.pick(inventory.restock.request, ["quantity"]);
const SkuParams = v.object({ sku: Sku });

export const adminProductDocs: readonly OperationDoc[] = [
  {
    method: "post",
    path: "/api/admin/products",
    tag: "admin",
    access: "admin",
    summary: "Add a product to the catalogue",
    description:
      "The Idempotency-Key is required: the product comes with its first stock, and a retry gets the product it created instead of a 409 for its own SKU.",
    body: inventory.createProduct.request,
    headers: [REQUIRED_IDEMPOTENCY_KEY_HEADER],
    success: {
      status: 201,
      description: "The new product",
      schema: inventory.Product,
      headers: { Location: "The product: /api/products/{sku}" },
    },
    errors: ["CONFLICT"],
  },
  {
    method: "post",
    path: "/api/admin/products/:sku/restock",
    tag: "admin",
    access: "admin",
    summary: "Add units to a product's stock on hand",
    description:
      "The Idempotency-Key is required: restocking adds, so a retry without its key would add the units twice.",
    params: { sku: Sku },
    body: RestockBody,
    headers: [REQUIRED_IDEMPOTENCY_KEY_HEADER],
    success: { status: 200, description: "The product after the restock", schema: inventory.Product },
    errors: ["NOT_FOUND"],
  },
];

/** `adminProductRoutes`: catalogue changes (inventory); the admin guard is applied to `/api/admin/*`. */
export function adminProductRoutes(runtime: GatewayRuntime): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.post(
    "/api/admin/products",
    requireIdempotencyKey,
    requireJson(),
    jsonBody(inventory.createProduct.request),
    async (c) => {
      const options = downstream(c, inventory.createProduct, { idempotencyKey: idempotencyKeyOf(c) });
      const product = await runtime.call(inventory.createProduct, c.req.valid("json"), options);
      c.header("Location", `/api/products/${encodeURIComponent(product.sku)}`);
      return c.json(product, 201);
    },
  );

  app.post(
    "/api/admin/products/:sku/restock",
    paramsOf(SkuParams),
    requireIdempotencyKey,
    requireJson(),
    jsonBody(RestockBody),
    async (c) => {
      const input = { sku: c.req.valid("param").sku, quantity: c.req.valid("json").quantity };
      const options = downstream(c, inventory.restock, { idempotencyKey: idempotencyKeyOf(c) });
      return c.json(await runtime.call(inventory.restock, input, options));
    },
  );

  return app;
}
