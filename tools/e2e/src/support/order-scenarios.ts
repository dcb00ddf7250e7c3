import { inventory, orders, orderViews, payments, shipping } from "@bazaar/contracts";
import type { RunMode } from "@bazaar/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventsAbout,
  eventually,
  newProduct,
  placeOrder,
  settled,
  startTestSystem,
  type TestSystem,
} from "./test-system.js";

/**
 * The order saga end to end, with every real service: the same scenarios run with one process per
 * service and with all services in one process.
 */
export function orderScenarios(mode: RunMode): { system: () => TestSystem } {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem(mode);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });
  const call = () => t.caller.client;

  describe(`order saga (${mode})`, () => {
    /** Waits until the saga is retrying create-shipment (shipping is down): charged, not yet shipped. */
    const shipmentRetrying = (sagaId: string) =>
      eventually(async () => {
        const saga = await call().call(orders.getSaga, { sagaId });
        expect(saga.history.some((h) => h.step === "create-shipment" && h.outcome === "retrying")).toBe(true);
      });

    it("confirms a good order: stock committed, one charge, one shipment, read model updated", async () => {
      const sku = await newProduct(t, 10, 1250);
      const { orderId } = await placeOrder(t, { sku, quantity: 2 });
      const order = await settled(t, orderId);
      expect(order).toMatchObject({
        status: "confirmed",
        totalCents: 2500,
        currency: "EUR",
        cancelReason: null,
      });

      expect(await call().call(inventory.getProduct, { sku })).toMatchObject({
        onHand: 8,
        reserved: 0,
        available: 8,
      });
      expect(await call().call(payments.getPayment, { orderId })).toMatchObject({
        status: "completed",
        amountCents: 2500,
      });
      const shipment = await call().call(shipping.getShipment, { orderId });
      expect(shipment.status).toBe("created");
      const saga = await call().call(orders.getSaga, { orderId });
      expect(saga.steps.map((s) => `${s.name}:${s.status}`)).toEqual([
        "reserve-stock:done",
        "charge-payment:done",
        "create-shipment:done",
        "commit-stock:done",
      ]);

      await eventually(async () => {
        expect(await eventsAbout(t, payments.paymentCompleted, orderId)).toHaveLength(1);
        expect(await eventsAbout(t, shipping.shipmentCreated, orderId)).toHaveLength(1);
        expect(await eventsAbout(t, orders.orderConfirmed, orderId)).toHaveLength(1);
      });
      await eventually(async () =>
        expect(await call().call(orderViews.getOrderView, { orderId })).toMatchObject({
          status: "confirmed",
          paymentStatus: "completed",
          trackingNumber: shipment.trackingNumber,
          totalCents: 2500,
          itemCount: 2,
        }),
      );
    });

    it("cancels an order that is out of stock, without charging", async () => {
      const sku = await newProduct(t, 1);
      const { orderId } = await placeOrder(t, { sku, quantity: 3 });
      expect(await settled(t, orderId)).toMatchObject({ status: "cancelled", cancelReason: "out of stock" });
      await expect(call().call(payments.getPayment, { orderId })).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      expect(await call().call(inventory.getProduct, { sku })).toMatchObject({ onHand: 1, reserved: 0 });
      await eventually(async () =>
        expect(await eventsAbout(t, orders.orderCancelled, orderId)).toHaveLength(1),
      );
    });

    it("cancels an order whose card is declined, and releases its stock", async () => {
      const sku = await newProduct(t, 5);
      const { orderId } = await placeOrder(t, { sku, token: "tok_chargeDeclined" });
      expect(await settled(t, orderId)).toMatchObject({
        status: "cancelled",
        cancelReason: "payment declined",
      });
      expect(await call().call(inventory.getProduct, { sku })).toMatchObject({ onHand: 5, reserved: 0 });
      expect(await call().call(payments.getPayment, { orderId })).toMatchObject({ status: "failed" });
      await eventually(async () => {
        expect(await eventsAbout(t, inventory.stockReleased, orderId)).toHaveLength(1);
        expect(await eventsAbout(t, payments.paymentFailed, orderId)).toHaveLength(1);
      });
      await eventually(async () =>
        expect(await call().call(orderViews.getOrderView, { orderId })).toMatchObject({
          status: "cancelled",
          paymentStatus: "failed",
        }),
      );
    });

    it("refunds and releases when the country cannot be shipped to", async () => {
      const sku = await newProduct(t, 5);
      const { orderId } = await placeOrder(t, { sku, country: "AQ" });
      expect(await settled(t, orderId)).toMatchObject({
        status: "cancelled",
        cancelReason: "shipping to this country is not supported",
      });
      expect(await call().call(payments.getPayment, { orderId })).toMatchObject({ status: "refunded" });
      expect(await call().call(inventory.getProduct, { sku })).toMatchObject({ onHand: 5, reserved: 0 });
      const saga = await call().call(orders.getSaga, { orderId });
      expect(saga.steps.map((s) => s.status)).toEqual(["compensated", "compensated", "failed", "pending"]);
      // Compensations ran in reverse order: the refund before the release.
      const undone = saga.history
        .filter((h) => h.phase === "compensate" && h.outcome === "succeeded")
        .map((h) => h.step);
      expect(undone).toEqual(["charge-payment", "reserve-stock"]);
      await eventually(async () =>
        expect(await eventsAbout(t, payments.paymentRefunded, orderId)).toHaveLength(1),
      );
    });

    it("needs an operator when the refund keeps failing, and says so with an ops.alert", async () => {
      const sku = await newProduct(t, 5);
      const { orderId, sagaId } = await placeOrder(t, { sku, country: "AQ", token: "tok_refundFails" });
      expect(await settled(t, orderId)).toMatchObject({ status: "requires_attention" });
      const saga = await call().call(orders.getSaga, { sagaId });
      expect(saga.status).toBe("requires_attention");
      expect(saga.steps.find((s) => s.name === "charge-payment")?.status).toBe("compensating");
      expect(
        saga.steps.find((s) => s.name === "charge-payment")?.compensationAttempts,
      ).toBeGreaterThanOrEqual(3);
      expect(saga.steps.find((s) => s.name === "charge-payment")?.lastError).toContain("REFUND_FAILED");
      // Stock is still held: nothing after the failed refund was undone yet.
      expect(await call().call(inventory.getProduct, { sku })).toMatchObject({ reserved: 1 });
      const alerts = await eventually(async () => {
        const found = (await eventsAbout(t, orders.opsAlert, orderId)).map((e) => e.data);
        expect(found).toHaveLength(1);
        return found;
      });
      expect(alerts[0]).toMatchObject({ severity: "critical", orderId, sagaId, step: "charge-payment" });
      expect(alerts[0]?.attempts).toBeGreaterThanOrEqual(3);
      expect(alerts[0]?.action).toContain(`/api/admin/sagas/${sagaId}/retry`);
      expect(
        (await call().call(orders.listSagas, { status: "requires_attention" })).items.map((s) => s.sagaId),
      ).toContain(sagaId);
      await eventually(async () =>
        expect(await eventsAbout(t, orders.orderRequiresAttention, orderId)).toHaveLength(1),
      );
    });

    it("compensates when the customer cancels before the order ships", async () => {
      const sku = await newProduct(t, 5);
      // With shipping down the saga waits after the charge: the customer cancels meanwhile.
      await t.system.stopService("shipping");
      let restarted = false;
      try {
        const { orderId, sagaId } = await placeOrder(t, { sku, userId: "u-cancel" });
        await shipmentRetrying(sagaId);
        await expect(
          call().call(orders.cancelOrder, { orderId, userId: "someone-else" }),
        ).rejects.toMatchObject({ code: "NOT_FOUND" });
        expect(
          await call().call(orders.cancelOrder, { orderId, userId: "u-cancel", reason: "changed my mind" }),
        ).toMatchObject({ status: "pending" });
        // The create-shipment step had timed out, so its compensation (cancel the shipment) needs shipping back.
        await t.system.startService("shipping");
        restarted = true;
        expect(await settled(t, orderId)).toMatchObject({
          status: "cancelled",
          cancelReason: "changed my mind",
        });
        expect(await call().call(payments.getPayment, { orderId })).toMatchObject({ status: "refunded" });
        expect(await call().call(inventory.getProduct, { sku })).toMatchObject({ onHand: 5, reserved: 0 });
        // The shipment was either never created or created and then cancelled: never left standing.
        const shipment = await call()
          .call(shipping.getShipment, { orderId })
          .catch((err: unknown) => err);
        if (shipment instanceof Error) expect(shipment).toMatchObject({ code: "NOT_FOUND" });
        else expect(shipment).toMatchObject({ status: "cancelled" });
        await expect(call().call(orders.cancelOrder, { orderId, userId: "u-cancel" })).resolves.toMatchObject(
          { status: "cancelled" },
        );
      } finally {
        if (!restarted) await t.system.startService("shipping");
      }
    });

    it("an operator's retry finishes a compensation that failed while a service was down", async () => {
      const sku = await newProduct(t, 5);
      await t.system.stopService("shipping");
      let restarted = false;
      try {
        const { orderId, sagaId } = await placeOrder(t, { sku, userId: "u-operator" });
        await shipmentRetrying(sagaId);
        await call().call(orders.cancelOrder, { orderId, userId: "u-operator", reason: "changed my mind" });
        // Undoing the shipment needs shipping, which stays down past the compensation budget: parked.
        const parked = await eventually(async () => {
          const order = await call().call(orders.getOrder, { orderId });
          expect(order.status).toBe("requires_attention");
          return order;
        }, 30_000);
        expect(parked.status).toBe("requires_attention");
        await expect(call().call(orders.retrySaga, { sagaId })).resolves.toMatchObject({
          status: "compensating",
        });
        // Still down: the retry parks it again rather than dropping it.
        await eventually(async () => {
          expect((await call().call(orders.getSaga, { sagaId })).status).toBe("requires_attention");
        }, 30_000);

        await t.system.startService("shipping");
        restarted = true;
        await call().call(orders.retrySaga, { sagaId });
        const order = await eventually(async () => {
          const o = await call().call(orders.getOrder, { orderId });
          expect(o.status).toBe("cancelled");
          return o;
        }, 30_000);
        // The customer is told their own reason, not the operator's trouble.
        expect(order.cancelReason).toBe("changed my mind");
        expect((await call().call(orders.getSaga, { sagaId })).status).toBe("compensated");
        expect(await call().call(payments.getPayment, { orderId })).toMatchObject({ status: "refunded" });
        expect(await call().call(inventory.getProduct, { sku })).toMatchObject({ onHand: 5, reserved: 0 });
        await eventually(async () => {
          expect(await eventsAbout(t, orders.orderCancelled, orderId)).toHaveLength(1);
          expect(await eventsAbout(t, payments.paymentRefunded, orderId)).toHaveLength(1);
          expect(await eventsAbout(t, orders.orderRequiresAttention, orderId)).toHaveLength(2);
          expect(await eventsAbout(t, orders.opsAlert, orderId)).toHaveLength(2);
        });
      } finally {
        if (!restarted) await t.system.startService("shipping");
      }
    }, 120_000);

    it("refuses to cancel an order that has shipped", async () => {
      const sku = await newProduct(t, 5);
      const { orderId } = await placeOrder(t, { sku, userId: "u-late" });
      expect((await settled(t, orderId)).status).toBe("confirmed");
      await expect(call().call(orders.cancelOrder, { orderId, userId: "u-late" })).rejects.toMatchObject({
        code: "CONFLICT",
        reason: "ALREADY_SHIPPED",
      });
    });

    it("never oversells: 200 concurrent orders for 50 units, every saga ends", async () => {
      const sku = await newProduct(t, 50, 500);
      const placed = await Promise.all(Array.from({ length: 200 }, () => placeOrder(t, { sku })));
      const finals = await Promise.all(placed.map((p) => settled(t, p.orderId, 90_000)));
      const confirmed = finals.filter((o) => o.status === "confirmed");
      const cancelled = finals.filter((o) => o.status === "cancelled");
      expect(confirmed).toHaveLength(50);
      expect(cancelled).toHaveLength(150);
      expect(cancelled.every((o) => o.cancelReason === "out of stock")).toBe(true);
      expect(await call().call(inventory.getProduct, { sku })).toMatchObject({
        onHand: 0,
        reserved: 0,
        available: 0,
      });
      const running = await call().call(orders.listSagas, { status: "running", limit: 200 });
      expect(running.items.filter((s) => placed.some((p) => p.sagaId === s.sagaId))).toHaveLength(0);
    }, 120_000);
  });

  return { system: () => t };
}
