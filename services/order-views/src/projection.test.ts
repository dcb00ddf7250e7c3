import { randomUUID } from "node:crypto";
import { orders, orderViews, payments, shipping } from "@bazaar/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startViewsHarness, type ViewsHarness } from "./test-support/views-harness.js";

let h: ViewsHarness;

beforeAll(async () => {
  h = await startViewsHarness();
});

afterAll(async () => {
  await h?.stop();
});

const ref = (orderId: string) => ({ orderId, userId: "u-seq" });
const paid = (orderId: string) => ({ ...ref(orderId), paymentId: "p-1", amountCents: 3297, currency: "EUR" });
const shipped = (orderId: string) => ({
  orderId,
  shipmentId: "s-1",
  trackingNumber: "BZ000000001GB",
  carrier: "Bazaar Post",
  items: [],
});

/**
 * Each case delivers an owner's events about one order in the wrong order (the later one first), with
 * timestamps that are equal or skewed against the sequence, as two machines' clocks or one clock stepping
 * back make them. The owner's per-order sequence decides; the wall clock used to.
 */
describe("updates ordered by the owner's per-order sequence, not by wall-clock time", () => {
  it("status: a later event with an earlier clock wins over an earlier event with a later clock", async () => {
    const orderId = randomUUID();
    const early = "2026-11-25T09:00:00.000Z";
    const late = "2026-11-25T09:00:05.000Z";
    await h.placed(orderId, "u-seq", { seq: 1, at: early });
    await h.publish(
      orders.orderConfirmed,
      { ...ref(orderId), totalCents: 3297, currency: "EUR" },
      {
        seq: 3,
        at: early,
      },
    );
    await h.settle();
    await h.publish(
      orders.orderRequiresAttention,
      { ...ref(orderId), sagaId: "sg-1", reason: "refund failed" },
      { seq: 2, at: late },
    );
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ status: "confirmed", userId: "u-seq" });
  });

  it("status: equal timestamps, the higher sequence wins whatever arrives first", async () => {
    const orderId = randomUUID();
    await h.placed(orderId, "u-seq", { seq: 1 });
    const at = h.tick();
    await h.publish(
      orders.orderRequiresAttention,
      { ...ref(orderId), sagaId: "sg-2", reason: "x" },
      { seq: 2, at },
    );
    await h.settle();
    await h.publish(orders.orderCancelled, { ...ref(orderId), reason: "payment declined" }, { seq: 3, at });
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ status: "cancelled", cancelReason: "payment declined" });
    // A redelivered older one changes nothing.
    await h.publish(
      orders.orderRequiresAttention,
      { ...ref(orderId), sagaId: "sg-2", reason: "x" },
      { seq: 2, at },
    );
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ status: "cancelled" });
  });

  it("payment: a refund stamped before the charge (the payments clock stepped back) still refunds", async () => {
    const orderId = randomUUID();
    await h.publish(payments.paymentCompleted, paid(orderId), { seq: 1, at: "2026-11-25T10:00:10.000Z" });
    await h.settle();
    await h.publish(payments.paymentRefunded, paid(orderId), { seq: 2, at: "2026-11-25T10:00:00.000Z" });
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ paymentStatus: "refunded" });
  });

  it("shipment: a cancellation with the same timestamp as the creation clears the tracking number", async () => {
    const orderId = randomUUID();
    await h.placed(orderId, "u-seq", { seq: 1 });
    const at = h.tick();
    await h.publish(shipping.shipmentCreated, shipped(orderId), { seq: 1, at });
    await h.settle();
    await h.publish(shipping.shipmentCancelled, { orderId, shipmentId: "s-1" }, { seq: 2, at });
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ trackingNumber: null });
    // Delivered again after the cancellation, the creation does not bring the tracking number back.
    await h.publish(shipping.shipmentCreated, shipped(orderId), { seq: 1, at });
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ trackingNumber: null });
  });

  it("keeps each owner's sequence to its own fields: payments' numbers never block orders' status", async () => {
    const orderId = randomUUID();
    await h.placed(orderId, "u-seq", { seq: 1 });
    await h.settle();
    await h.publish(payments.paymentRefunded, paid(orderId), { seq: 9, at: h.tick() });
    await h.settle();
    // Stamped before the refund, so only its own owner's sequence (2 > 1) can let it through.
    await h.publish(
      orders.orderConfirmed,
      { ...ref(orderId), totalCents: 3297, currency: "EUR" },
      { seq: 2, at: "2026-11-25T08:00:00.000Z" },
    );
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ status: "confirmed", paymentStatus: "refunded" });
  });
});

describe("events without a sequence (recorded before owners numbered them)", () => {
  it("still project, ordered by time among themselves, and any sequenced event is newer", async () => {
    const orderId = randomUUID();
    const t1 = h.tick();
    const t2 = h.tick();
    await h.placed(orderId, "u-legacy", { at: t1 });
    await h.publish(
      orders.orderRequiresAttention,
      { ...ref(orderId), sagaId: "sg-3", reason: "x" },
      { at: t2 },
    );
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ status: "requires_attention", userId: "u-legacy" });
    // An older unsequenced event loses to the newer unsequenced one, as before.
    await h.publish(orders.orderCancelled, { ...ref(orderId), reason: "late" }, { at: t1 });
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ status: "requires_attention" });
    // After the upgrade the owner numbers from 1: its first sequenced event is newer, even with an older clock.
    await h.publish(
      orders.orderConfirmed,
      { ...ref(orderId), totalCents: 3297, currency: "EUR" },
      {
        seq: 1,
        at: t1,
      },
    );
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ status: "confirmed" });
    // And an unsequenced event can no longer override it.
    await h.publish(orders.orderCancelled, { ...ref(orderId), reason: "stale" }, { at: h.tick() });
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ status: "confirmed", cancelReason: null });
  });

  it("ignores a sequence about another key than the order (not comparable with the order's own)", async () => {
    const orderId = randomUUID();
    const t1 = h.tick();
    const t2 = h.tick();
    await h.publish(orders.orderConfirmed, { ...ref(orderId), totalCents: 1, currency: "EUR" }, { at: t2 });
    await h.settle();
    // Published by hand with an unrelated key: treated as unsequenced, so its older time loses.
    await h.publishRaw(
      orders.orderCancelled.subject,
      JSON.stringify({
        id: randomUUID(),
        type: "order.cancelled",
        version: 1,
        occurredAt: t1,
        source: "orders",
        aggregate: { key: "some-other-entity", seq: 50 },
        data: { ...ref(orderId), reason: "unrelated" },
      }),
    );
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ status: "confirmed" });
  });
});

describe("user id", () => {
  it.each([
    ["order.confirmed", orders.orderConfirmed, { totalCents: 1, currency: "EUR" }],
    ["order.cancelled", orders.orderCancelled, { reason: "r" }],
    ["order.requires_attention", orders.orderRequiresAttention, { sagaId: "sg", reason: "r" }],
    ["payment.completed", payments.paymentCompleted, { paymentId: "p", amountCents: 1, currency: "EUR" }],
    ["payment.failed", payments.paymentFailed, { amountCents: 1, currency: "EUR", reason: "r" }],
    ["payment.refunded", payments.paymentRefunded, { paymentId: "p", amountCents: 1, currency: "EUR" }],
  ])("is set by %s alone", async (_name, event, rest) => {
    const orderId = randomUUID();
    await h.publish(event, { orderId, userId: "u-any", ...rest }, { seq: 1 });
    await h.settle();
    expect((await h.view(orderId)).userId).toBe("u-any");
  });
});

describe("an order heard of only through events that do not name its customer", () => {
  it("is not found (never an INTERNAL error) until an event names the customer", async () => {
    const orderId = randomUUID();
    await h.publish(shipping.shipmentCreated, shipped(orderId), { seq: 1 });
    await h.settle();
    await expect(h.caller.client.call(orderViews.getOrderView, { orderId })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await h.placed(orderId, "u-late", { seq: 1 });
    await h.settle();
    expect(await h.view(orderId)).toMatchObject({ userId: "u-late", trackingNumber: "BZ000000001GB" });
  });
});
