import { inventory, orders } from "@bazaar/contracts";
import { useTestService } from "@bazaar/service-kit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderRecords } from "../db/schema.js";
import { service } from "../service.js";

const t = useTestService(service);

// Inventory's quote, answered on the real broker by the test: it can hold a quote back, so a retry
// arrives while the first request is still being priced.
let quotes: { unsubscribe(): void } | undefined;
let held: Promise<void> = Promise.resolve();
let quoted = 0;
beforeAll(() => {
  quotes = t.caller.nc.subscribe(inventory.quote.subject, {
    callback: (_err, msg) => {
      quoted++;
      const { items } = msg.json<{ items: Array<{ sku: string; quantity: number }> }>();
      const lines = items.map((i) => ({
        sku: i.sku,
        name: i.sku,
        quantity: i.quantity,
        unitPriceCents: 100,
        lineTotalCents: 100 * i.quantity,
      }));
      const reply = {
        lines,
        totalCents: lines.reduce((sum, l) => sum + l.lineTotalCents, 0),
        currency: "EUR",
      };
      void held.then(() => msg.respond(JSON.stringify(reply)));
    },
  });
});
afterAll(() => quotes?.unsubscribe());

const orderOf = (userId: string, quantity: number, idempotencyKey: string) => ({
  userId,
  items: [{ sku: "MUG-001", quantity }],
  shippingAddress: { name: "Ada", line1: "1 St", city: "London", postalCode: "N1", country: "GB" },
  paymentMethod: { token: "tok_visa" },
  idempotencyKey,
});
const ordersOf = (userId: string) =>
  t.service.runtime.db
    .select()
    .from(orderRecords)
    .all()
    .filter((o) => o.userId === userId);

describe("placing an order with an idempotency key", () => {
  it("answers a retry of the same order with the first order, placed once", async () => {
    const first = await t.client.call(orders.placeOrder, orderOf("u-same", 1, "k"));
    expect(await t.client.call(orders.placeOrder, orderOf("u-same", 1, "k"))).toEqual(first);
    expect(ordersOf("u-same")).toHaveLength(1);
  });

  it("refuses the key for a different order (quantity 1, then 3) with UNPROCESSABLE, not the first order", async () => {
    await t.client.call(orders.placeOrder, orderOf("u-reuse", 1, "k"));
    await expect(t.client.call(orders.placeOrder, orderOf("u-reuse", 3, "k"))).rejects.toMatchObject({
      code: "UNPROCESSABLE",
      reason: "IDEMPOTENCY_KEY_REUSED",
    });
    expect(ordersOf("u-reuse").map((o) => o.totalCents)).toEqual([100]);
  });

  it("keeps each user's keys apart: the same key from two users is two orders", async () => {
    const ada = await t.client.call(orders.placeOrder, orderOf("u-ada", 1, "shared-key"));
    const bob = await t.client.call(orders.placeOrder, orderOf("u-bob", 2, "shared-key"));
    expect(bob.orderId).not.toBe(ada.orderId);
    expect(ordersOf("u-bob").map((o) => o.orderId)).toEqual([bob.orderId]);
  });

  it("refuses a retry while the first is still being priced with CONFLICT; one order", async () => {
    let release = (): void => undefined;
    held = new Promise((resolve) => {
      release = resolve;
    });
    const before = quoted;
    const first = t.client.call(orders.placeOrder, orderOf("u-busy", 1, "k"));
    while (quoted === before) await new Promise((r) => setTimeout(r, 5));
    await expect(t.client.call(orders.placeOrder, orderOf("u-busy", 1, "k"))).rejects.toMatchObject({
      code: "CONFLICT",
      reason: "IDEMPOTENCY_KEY_IN_FLIGHT",
    });
    release();
    held = Promise.resolve();
    const placed = await first;
    expect(await t.client.call(orders.placeOrder, orderOf("u-busy", 1, "k"))).toEqual(placed);
    expect(ordersOf("u-busy")).toHaveLength(1);
    expect(quoted).toBe(before + 1);
  });
});
