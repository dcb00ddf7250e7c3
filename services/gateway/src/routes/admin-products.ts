import { inventory, Sku } from "@bazaar/contracts";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { downstream } from "../http/downstream.js";
import { idempotencyKeyOf } from "../http/idempotency.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

export const RestockBody = v.pick(inventory.restock.request, ["quantity"]);

/** `adminProductRoutes`: catalogue changes, under `/api/admin/products` (inventory). */
export function adminProductRoutes(runtime: GatewayRuntime): RouteGroup {
  const create = defineRoute({
    method: "post",
    path: "/",
    access: "admin",
    summary: "Add a product to the catalogue",
    description:
      "The Idempotency-Key is required: the product comes with its first stock, and a retry gets the product it created instead of a 409 for its own SKU.",
    body: inventory.createProduct.request,
    idempotencyKey: "required",
    success: {
      status: 201,
      description: "The new product",
      schema: inventory.Product,
      headers: { Location: "The product: /api/products/{sku}" },
    },
    errors: ["CONFLICT"],
    handler: async (c, { body }) => {
      const options = downstream(c, inventory.createProduct, { idempotencyKey: idempotencyKeyOf(c) });
      const product = await runtime.call(inventory.createProduct, body, options);
      c.header("Location", `/api/products/${encodeURIComponent(product.sku)}`);
      return c.json(product, 201);
    },
  });

  const restock = defineRoute({
    method: "post",
    path: "/:sku/restock",
    access: "admin",
    summary: "Add units to a product's stock on hand",
    description:
      "The Idempotency-Key is required: restocking adds, so a retry without its key would add the units twice.",
    params: v.object({ sku: Sku }),
    body: RestockBody,
    idempotencyKey: "required",
    success: { status: 200, description: "The product after the restock", schema: inventory.Product },
    errors: ["NOT_FOUND", "CONFLICT"],
    handler: async (c, { params, body }) => {
      const options = downstream(c, inventory.restock, { idempotencyKey: idempotencyKeyOf(c) });
      return c.json(
        await runtime.call(inventory.restock, { sku: params.sku, quantity: body.quantity }, options),
      );
    },
  });

  return { prefix: "/api/admin/products", tag: "admin", routes: [create, restock] };
}
