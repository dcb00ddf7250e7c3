import type { OrderViewState, ProductState } from "../check/final-state.js";
import type { ClientSettings } from "../client/careful-client.js";
import type { Session } from "../client/session.js";
import { readJson, readPages } from "./api-reader.js";

/** `collectViews` reads every customer's orders from the read model (`GET /api/my-orders`). */
export async function collectViews(
  settings: ClientSettings,
  customers: readonly Session[],
  gaps: string[],
): Promise<OrderViewState[]> {
  const views: OrderViewState[] = [];
  for (const session of customers) {
    const items = await readPages<OrderViewState>(settings, session, "/api/my-orders?limit=100", gaps);
    views.push(
      ...items.map((v) => ({
        orderId: v.orderId,
        userId: v.userId,
        status: v.status,
        paymentStatus: v.paymentStatus,
        trackingNumber: v.trackingNumber,
        cancelReason: v.cancelReason,
        totalCents: v.totalCents,
      })),
    );
  }
  return views;
}

/** `collectProducts` reads the stock of each product the run created (`GET /api/products/:sku`). */
export async function collectProducts(
  settings: ClientSettings,
  admin: Session,
  skus: readonly string[],
  gaps: string[],
): Promise<ProductState[]> {
  const products: ProductState[] = [];
  for (const sku of skus) {
    const body = (await readJson(settings, admin, `/api/products/${sku}`, gaps)) as ProductState | undefined;
    if (body) products.push({ sku, onHand: body.onHand, reserved: body.reserved });
  }
  return products;
}
