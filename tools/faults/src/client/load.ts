import { setTimeout as delay } from "node:timers/promises";
import { CLIENT_CANCEL_REASON } from "../check/invariants/outcomes.js";
import type { OrderKind } from "../history/history-entry.js";
import { type ClientSettings, carefully } from "./careful-client.js";
import { restock } from "./catalogue.js";
import { followOrder } from "./follow-order.js";
import { type OrderMix, orderShape, pickKind } from "./order-mix.js";
import type { Session } from "./session.js";

export interface LoadOptions {
  readonly settings: ClientSettings;
  readonly customers: readonly Session[];
  readonly admin: Session;
  readonly products: { readonly plenty: string; readonly scarce: string };
  readonly ratePerSecond: number;
  readonly durationMs: number;
  readonly mix: OrderMix;
  readonly random: () => number;
  /** The scarce product gets a few units back this often (each restock with its own key). */
  readonly restockEveryMs: number;
  readonly restockUnits: number;
  readonly pollMs: number;
  /**
   * At most this many orders waiting for their first answer: a real client population is finite, so in a
   * long outage new orders wait for a free slot instead of piling up (the rate resumes after).
   */
  readonly maxInFlight: number;
}

/** A load in progress: `launched` when the last order has been started, `settled` when every order is followed to its end. */
export interface Load {
  readonly launched: Promise<void>;
  readonly settled: Promise<void>;
}

const ADDRESS = { name: "Fault Suite", line1: "1 Chaos Lane", city: "London", postalCode: "N1 9GU" };

async function oneOrder(
  options: LoadOptions,
  n: number,
  kind: OrderKind,
  answered: () => void,
): Promise<void> {
  const { settings } = options;
  const session = options.customers[n % options.customers.length] as Session;
  const shape = orderShape(kind, options.products);
  const items = [{ sku: shape.sku, quantity: 1 }];
  const key = `order-${n}`;
  settings.history.record({
    type: "intent",
    key,
    userId: session.userId,
    kind,
    items,
    token: shape.token,
    country: shape.country,
  });
  const answer = await carefully(settings, {
    op: "place",
    key,
    idempotencyKey: key,
    method: "POST",
    path: "/api/orders",
    body: {
      items,
      shippingAddress: { ...ADDRESS, country: shape.country },
      paymentMethod: { token: shape.token },
    },
    token: session.token,
    refresh: session.refresh,
  });
  answered();
  if (!answer) return;
  const orderId = (answer.body as { orderId?: unknown } | undefined)?.orderId;
  if (answer.status !== 202 || typeof orderId !== "string") {
    settings.history.record({
      type: "refused",
      op: "place",
      key,
      status: answer.status,
      ...(answer.reason ? { reason: answer.reason } : {}),
    });
    return;
  }
  settings.history.record({ type: "ack", key, orderId });
  if (kind === "cancelled-by-client") {
    // Soon after acceptance, while the saga is in flight: the race the cancel must win or lose cleanly.
    await delay(Math.round(options.random() * 100));
    const cancelKey = `${key}-cancel`;
    const cancelled = await carefully(settings, {
      op: "cancel",
      key: cancelKey,
      idempotencyKey: cancelKey,
      method: "POST",
      path: `/api/orders/${orderId}/cancel`,
      body: { reason: CLIENT_CANCEL_REASON },
      token: session.token,
      refresh: session.refresh,
    });
    if (cancelled) settings.history.record({ type: "cancel-answer", orderId, status: cancelled.status });
  }
  await followOrder({ settings, session, orderId, pollMs: options.pollMs, maxPollMs: 5_000 });
}

/**
 * `startLoad` places orders at a steady rate for a fixed time, from several users, in the mix given; each
 * order is its own task (placed carefully, cancelled if its kind says so, followed to its end), so a fault
 * that stalls some orders never slows the rate. The scarce product is restocked now and then.
 */
export function startLoad(options: LoadOptions): Load {
  const tasks: Array<Promise<void>> = [];
  const intervalMs = 1000 / options.ratePerSecond;
  const launched = (async () => {
    const started = Date.now();
    let nextRestock = started + options.restockEveryMs;
    let restocks = 0;
    let inFlight = 0;
    for (let n = 1; ; n++) {
      const due = started + (n - 1) * intervalMs;
      if (due - started >= options.durationMs) break;
      const wait = due - Date.now();
      if (wait > 0) await delay(wait);
      if (Date.now() >= nextRestock) {
        nextRestock += options.restockEveryMs;
        const key = `restock-${++restocks}`;
        const units = options.restockUnits;
        tasks.push(
          restock(options.settings, options.admin, { sku: options.products.scarce, units, key }).then(
            () => {},
          ),
        );
      }
      // Every client busy: this slot's order is not placed (the rate resumes when answers come back).
      if (inFlight >= options.maxInFlight) continue;
      inFlight++;
      const done = () => {
        inFlight--;
      };
      tasks.push(oneOrder(options, n, pickKind(options.mix, options.random), done));
    }
  })();
  const settled = launched.then(async () => {
    await Promise.all(tasks);
  });
  return { launched, settled };
}
