import { orders, payments, shipping } from "@bazaar/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  eventsAbout,
  eventually,
  newProduct,
  placeOrder,
  settled,
  startTestSystem,
  type TestSystem,
} from "./support/test-system.js";

let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem("processes");
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

describe("orders killed in the middle of a saga", () => {
  it("resumes after a restart and finishes with exactly one charge and one shipment", async () => {
    const sku = await newProduct(t, 5);
    // Hold the saga between the charge and the shipment: shipping is down, so create-shipment retries.
    await t.system.stopService("shipping");
    const { orderId, sagaId } = await placeOrder(t, { sku });
    await eventually(async () => {
      const saga = await t.caller.client.call(orders.getSaga, { sagaId });
      expect(saga.steps.find((s) => s.name === "charge-payment")?.status).toBe("done");
      expect(saga.history.some((h) => h.step === "create-shipment" && h.outcome === "retrying")).toBe(true);
    });

    const pid = t.system.pid("orders");
    await t.system.killService("orders");
    expect(pid).toBeGreaterThan(0);
    // The broker drops a killed process's subscriptions once it reads the closed socket, which can come
    // just after the exit: a call in that instant times out instead of meeting "no responders".
    await eventually(() =>
      expect(t.caller.client.call(orders.getOrder, { orderId })).rejects.toMatchObject({
        code: "UNAVAILABLE",
      }),
    );

    await t.system.startService("shipping");
    await t.system.startService("orders");
    expect(t.system.pid("orders")).not.toBe(pid);

    expect(await settled(t, orderId)).toMatchObject({ status: "confirmed" });
    const saga = await t.caller.client.call(orders.getSaga, { sagaId });
    expect(saga.status).toBe("completed");
    // The charge was recorded before the crash, so it did not run again; the shipment step did, once it could.
    expect(saga.steps.find((s) => s.name === "charge-payment")?.attempts).toBe(1);
    expect(saga.steps.find((s) => s.name === "create-shipment")?.attempts).toBeGreaterThan(1);
    expect(await t.caller.client.call(payments.getPayment, { orderId })).toMatchObject({
      status: "completed",
    });
    expect(await t.caller.client.call(shipping.getShipment, { orderId })).toMatchObject({
      status: "created",
    });
    await eventually(async () => {
      expect(await eventsAbout(t, payments.paymentCompleted, orderId)).toHaveLength(1);
      expect(await eventsAbout(t, shipping.shipmentCreated, orderId)).toHaveLength(1);
      expect(await eventsAbout(t, orders.orderConfirmed, orderId)).toHaveLength(1);
      expect(await eventsAbout(t, orders.orderPlaced, orderId)).toHaveLength(1);
    });
  }, 120_000);
});
