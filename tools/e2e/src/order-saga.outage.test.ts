import { setTimeout as delay } from "node:timers/promises";
import { inventory, orders, orderViews } from "@bazaar/contracts";
import { AppError } from "@bazaar/service-kit/platform";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADDRESS,
  eventually,
  newProduct,
  settled,
  startTestSystem,
  type TestSystem,
} from "./support/test-system.js";

const OUTAGE_MS = Number(process.env.BAZAAR_OUTAGE_MS ?? 60_000);
const CLIENTS = 4;
const INITIAL_STOCK = 10_000;

let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem("processes");
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

interface Intent {
  readonly key: string;
  readonly token: string;
  attempts: number;
  orderId?: string;
}

/**
 * A careful client: each order is one intent with one idempotency key, sent again with the same key after
 * any transient failure (the broker is down, no answer in time) until it gets an answer.
 */
async function placeCarefully(sku: string, intent: Intent, client: number): Promise<void> {
  for (let backoff = 200; ; backoff = Math.min(backoff * 2, 2_000)) {
    intent.attempts++;
    try {
      const reply = await t.caller.client.call(
        orders.placeOrder,
        {
          userId: `u-outage-${client}`,
          items: [{ sku, quantity: 1 }],
          shippingAddress: ADDRESS,
          paymentMethod: { token: intent.token },
          idempotencyKey: intent.key,
        },
        { timeoutMs: 2_000 },
      );
      intent.orderId = reply.orderId;
      return;
    } catch (err) {
      // A retry that finds the first attempt still running is told so (409 IDEMPOTENCY_KEY_IN_FLIGHT): retry later.
      const inFlight = err instanceof AppError && err.reason === "IDEMPOTENCY_KEY_IN_FLIGHT";
      if (!(err instanceof AppError) || (err.code !== "UNAVAILABLE" && err.code !== "TIMEOUT" && !inFlight))
        throw err;
      await delay(backoff);
    }
  }
}

describe("a long broker outage under a steady order load", () => {
  it(
    "cancels no good order and parks none: every accepted order ends as it would have",
    async () => {
      const sku = await newProduct(t, INITIAL_STOCK);
      const intents: Intent[] = [];
      let loadOn = true;
      const clients = Array.from({ length: CLIENTS }, async (_, client) => {
        for (let n = 0; loadOn; n++) {
          // One order in five has a declined card: its compensation must work across the outage too.
          const token = n % 5 === 4 ? "tok_chargeDeclined" : "tok_visa";
          const intent: Intent = { key: `outage-${client}-${n}`, token, attempts: 0 };
          intents.push(intent);
          await placeCarefully(sku, intent, client);
          await delay(150);
        }
      });

      // Load before, through and after the outage: sagas are mid-flight when the broker goes.
      await delay(3_000);
      await t.nats.stop();
      await delay(OUTAGE_MS);
      await t.nats.restart();
      await delay(5_000);
      loadOn = false;
      await Promise.all(clients);

      const accepted = intents.filter((i) => i.orderId !== undefined);
      expect(accepted).toHaveLength(intents.length);
      const finals: Array<{ intent: Intent; order: Awaited<ReturnType<typeof settled>> }> = [];
      for (const intent of accepted)
        finals.push({ intent, order: await settled(t, intent.orderId ?? "", 120_000) });
      const good = finals.filter((f) => f.intent.token === "tok_visa");
      const declined = finals.filter((f) => f.intent.token !== "tok_visa");
      const figures = {
        attempted: intents.reduce((n, i) => n + i.attempts, 0),
        accepted: accepted.length,
        confirmed: finals.filter((f) => f.order.status === "confirmed").length,
        cancelled: finals.filter((f) => f.order.status === "cancelled").length,
        parked: finals.filter((f) => f.order.status === "requires_attention").length,
      };
      process.stdout.write(`outage ${OUTAGE_MS} ms: ${JSON.stringify(figures)}\n`);
      // A good order that did not confirm is the bug this test is for: show its timeline.
      for (const f of good.filter((g) => g.order.status !== "confirmed")) {
        const saga = await t.caller.client.call(orders.getSaga, { orderId: f.intent.orderId ?? "" });
        process.stdout.write(
          `DEBUG ${JSON.stringify(saga.history.map((h) => [h.at, h.step, h.phase, h.outcome, h.error ?? h.message]))}\n`,
        );
      }

      expect(good.map((f) => f.order.status)).toEqual(good.map(() => "confirmed"));
      expect(declined.map((f) => [f.order.status, f.order.cancelReason])).toEqual(
        declined.map(() => ["cancelled", "payment declined"]),
      );
      expect(figures.parked).toBe(0);
      // Each intent placed exactly one order, whatever its retries.
      expect(new Set(accepted.map((i) => i.orderId)).size).toBe(accepted.length);

      // Stock is conserved: what shipped left the shelf, nothing else is held.
      const product = await t.caller.client.call(inventory.getProduct, { sku });
      expect(product).toMatchObject({ onHand: INITIAL_STOCK - good.length, reserved: 0 });
      // And the read model converges on the write side.
      await eventually(async () => {
        for (const { intent, order } of finals) {
          const view = await t.caller.client.call(orderViews.getOrderView, { orderId: intent.orderId ?? "" });
          expect(view.status).toBe(order.status);
        }
      }, 60_000);
    },
    OUTAGE_MS + 240_000,
  );
});
