import type { ClientSettings } from "../client/careful-client.js";
import type { Session } from "../client/session.js";
import type { OrderFact } from "../invariants/service-invariant.js";
import { readJson, readPages } from "./api-reader.js";

interface OrderDetails {
  readonly orderId: string;
  readonly userId: string;
  readonly status: OrderFact["status"];
  readonly cancelReason: string | null;
  readonly totalCents: number;
  readonly items: ReadonlyArray<{ readonly sku: string; readonly quantity: number }>;
  readonly payment: { readonly status: "completed" | "failed" | "refunded" } | null;
  readonly shipment: { readonly status: string; readonly trackingNumber: string } | null;
  readonly degraded: readonly string[];
}

/** `orderFact` is what the checker keeps of `GET /api/orders/:id`: a cancelled shipment tracks nothing. */
export function orderFact(details: OrderDetails): OrderFact {
  return {
    orderId: details.orderId,
    userId: details.userId,
    status: details.status,
    cancelReason: details.cancelReason,
    totalCents: details.totalCents,
    items: details.items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
    paymentStatus: details.payment?.status ?? "none",
    trackingNumber: details.shipment?.status === "created" ? details.shipment.trackingNumber : null,
  };
}

export interface CollectOrdersOptions {
  readonly settings: ClientSettings;
  readonly admin: Session;
  /** Orders the client was told about (in case the saga list missed one). */
  readonly acknowledged: readonly string[];
  readonly gaps: string[];
}

/**
 * `collectOrders` reads every order the write side knows: the order ids of every saga (the admin list,
 * page by page), plus every id the client was acknowledged, each read with its payment and shipment.
 */
export async function collectOrders(options: CollectOrdersOptions): Promise<OrderFact[]> {
  const { settings, admin, gaps } = options;
  const sagas = await readPages<{ orderId: string }>(settings, admin, "/api/admin/sagas?limit=200", gaps);
  const ids = [...new Set([...sagas.map((s) => s.orderId), ...options.acknowledged])];
  const facts: OrderFact[] = [];
  // A few at a time: enough to be quick, few enough to leave the machine to the system.
  const queue = [...ids];
  const worker = async (): Promise<void> => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      // A 404 is an answer: the order is missing, which the checker reports.
      const details = (await readJson(settings, admin, `/api/orders/${id}`, gaps, { allowMissing: true })) as
        | OrderDetails
        | undefined;
      if (!details) continue;
      if (details.degraded.length > 0) gaps.push(`order ${id}: ${details.degraded.join(", ")} unavailable`);
      facts.push(orderFact(details));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return facts;
}
