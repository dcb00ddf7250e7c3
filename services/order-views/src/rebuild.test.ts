import { randomUUID } from "node:crypto";
import { orders, orderViews, payments } from "@bazaar/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { orderViewRows } from "./db/schema.js";
import { startViewsHarness, type ViewsHarness } from "./test-support/views-harness.js";

let h: ViewsHarness;

beforeAll(async () => {
  h = await startViewsHarness();
});

afterAll(async () => {
  await h?.stop();
});

const rows = () => h.svc.runtime.db.select().from(orderViewRows).orderBy(orderViewRows.orderId).all();
const myOrders = (userId: string) => h.caller.client.call(orderViews.listMyOrders, { userId, limit: 50 });

// The tests share one broker and run in order: each leaves the streams as the next one expects.
describe("rebuild with a malformed event in the streams", () => {
  it("skips the event, counts and names it in its status, and completes (every time)", async () => {
    const good = randomUUID();
    await h.placed(good, "u-skip");
    // Valid JSON on a source subject but not a valid order.placed (no data): the live consumer
    // dead-letters it; a replay used to hand it to the projection, which threw on `data.orderId`.
    await h.publishRaw(
      orders.orderPlaced.subject,
      JSON.stringify({
        id: "broken-1",
        type: "order.placed",
        version: 1,
        occurredAt: h.tick(),
        source: "orders",
      }),
    );
    await h.settle();
    const broken = (await h.svc.runtime.nats.jsm.streams.info("ORDERS")).state.last_seq;

    for (let run = 0; run < 2; run++) {
      const status = await h.rebuild();
      expect(status, JSON.stringify(status)).toMatchObject({
        state: "completed",
        error: null,
        processed: 2,
        total: 2,
        skipped: 1,
        skippedEvents: [
          {
            stream: "ORDERS",
            seq: broken,
            subject: orders.orderPlaced.subject,
            reason: expect.stringMatching(/^invalid order\.placed v1: data: /),
          },
        ],
      });
      expect(await orderViews.rebuildStatus.response["~standard"].validate(status)).not.toHaveProperty(
        "issues",
      );
    }
    expect(await h.view(good)).toMatchObject({ userId: "u-skip", itemCount: 3, status: "pending" });
  });
});

describe("rebuild when every message has aged out of the streams", () => {
  it("keeps the whole table: no messages and first_seq = last_seq + 1 is missing history, not none", async () => {
    const before = rows();
    expect(before.length).toBeGreaterThan(0);
    await h.ageOutEverything();
    const { state } = await h.svc.runtime.nats.jsm.streams.info("ORDERS");
    expect(state.messages).toBe(0);
    expect(state.first_seq).toBe(state.last_seq + 1);

    const status = await h.rebuild();
    expect(status).toMatchObject({ state: "completed", processed: 0 });
    expect(rows()).toEqual(before);
    expect(status.mode).toBe("merge");
  });
});

describe("rebuild that merges over orders placed before the oldest message", () => {
  it("keeps the user, total and creation time of an order placed before the cut and confirmed after", async () => {
    const orderId = randomUUID();
    const placedAt = h.tick();
    await h.placed(orderId, "u-merge", { at: placedAt, seq: 1 });
    await h.settle();
    // The placement ages out; the order's later events stay.
    await h.ageOutEverything();
    await h.publish(
      payments.paymentCompleted,
      { orderId, paymentId: "p-m", userId: "u-merge", amountCents: 3297, currency: "EUR" },
      { seq: 1 },
    );
    await h.publish(
      orders.orderConfirmed,
      { orderId, userId: "u-merge", totalCents: 3297, currency: "EUR" },
      { seq: 2 },
    );
    await h.settle();
    const live = await h.view(orderId);
    expect(live).toMatchObject({ status: "confirmed", createdAt: placedAt, totalCents: 3297 });

    // Damage the live row's status in place: the merge must still repair it from the streams.
    h.svc.runtime.transaction((tx) => tx.update(orderViewRows).set({ status: "pending" }).run());
    const status = await h.rebuild();
    expect(status.state).toBe("completed");
    expect(await h.view(orderId)).toEqual(live);
    expect((await myOrders("u-merge")).items.map((o) => o.orderId)).toEqual([orderId]);
    expect(status.mode).toBe("merge");
  });

  it("fills the user of an order whose only replayed event is a confirmation", async () => {
    // No order.placed anywhere (neither live nor in the streams): order.confirmed still names the user.
    const orderId = randomUUID();
    await h.publish(orders.orderConfirmed, { orderId, userId: "u-late", totalCents: 100, currency: "EUR" });
    await h.settle();
    h.svc.runtime.transaction((tx) => tx.delete(orderViewRows).run());
    expect(await h.rebuild()).toMatchObject({ state: "completed" });
    expect((await myOrders("u-late")).items).toMatchObject([{ orderId, status: "confirmed" }]);
  });
});

describe("rebuild status", () => {
  it("reports a failed rebuild with its reason, and the live model stays as it was", async () => {
    const before = rows();
    await h.caller.jsm.streams.delete("SHIPPING");
    try {
      const status = await h.rebuild();
      expect(status).toMatchObject({ state: "failed", error: expect.stringMatching(/stream not found/) });
      expect(status.finishedAt).not.toBeNull();
      expect(rows()).toEqual(before);
    } finally {
      await h.caller.jsm.streams.add({ name: "SHIPPING", subjects: ["evt.shipment.>"] });
    }
  });
});
