import { type ClientSettings, carefully } from "./careful-client.js";
import type { Session } from "./session.js";

export interface ProductSpec {
  readonly sku: string;
  readonly name: string;
  readonly priceCents: number;
  readonly stock: number;
}

function admin(session: Session) {
  return { token: session.token, refresh: session.refresh };
}

/** `createProduct` adds a product with its first stock (admin, with a key); the history records the units. */
export async function createProduct(
  settings: ClientSettings,
  session: Session,
  product: ProductSpec,
): Promise<void> {
  const key = `product-${product.sku}`;
  const answer = await carefully(settings, {
    op: "create-product",
    key,
    idempotencyKey: key,
    method: "POST",
    path: "/api/admin/products",
    body: product,
    ...admin(session),
  });
  if (answer?.status !== 201) throw new Error(`create ${product.sku}: ${answer?.status ?? "no answer"}`);
  settings.history.record({ type: "product", sku: product.sku, units: product.stock, key });
}

/**
 * `restock` adds units with a key of its own: retried after a fault, it must add them once. Resolves
 * false when it got no final answer in time (the units may or may not have been added: the checker is
 * told neither, so a run whose restock was lost cannot claim stock was conserved; the history says why).
 */
export async function restock(
  settings: ClientSettings,
  session: Session,
  restocking: { readonly sku: string; readonly units: number; readonly key: string },
): Promise<boolean> {
  const answer = await carefully(settings, {
    op: "restock",
    key: restocking.key,
    idempotencyKey: restocking.key,
    method: "POST",
    path: `/api/admin/products/${restocking.sku}/restock`,
    body: { quantity: restocking.units },
    ...admin(session),
  });
  if (answer?.status !== 200) return false;
  settings.history.record({
    type: "product",
    sku: restocking.sku,
    units: restocking.units,
    key: restocking.key,
  });
  return true;
}
