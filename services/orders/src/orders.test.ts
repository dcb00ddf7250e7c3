import { orders } from "@bazaar/contracts";
import { useTestService } from "@bazaar/service-kit/testing";
import { describe, expect, it } from "vitest";
import { customerReason } from "./order-saga.js";
import { service } from "./service.js";

// The saga itself is tested end to end with the real services in tools/e2e; here, orders on its own.
const t = useTestService(service);

const order = {
  userId: "u-1",
  items: [{ sku: "MUG-001", quantity: 1 }],
  shippingAddress: { name: "Ada", line1: "1 St", city: "London", postalCode: "N1", country: "GB" },
  paymentMethod: { token: "tok_visa" },
  idempotencyKey: "k-1",
};

describe("orders on its own", () => {
  it("refuses to place an order it cannot price: inventory is not answering", async () => {
    await expect(t.caller.client.call(orders.placeOrder, order)).rejects.toMatchObject({
      code: "UNAVAILABLE",
    });
    expect((await t.caller.client.call(orders.listSagas, {})).items).toEqual([]);
  });

  it("validates orders at the boundary", async () => {
    await expect(t.caller.client.call(orders.placeOrder, { ...order, items: [] })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    await expect(
      t.caller.client.call(orders.placeOrder, { ...order, paymentMethod: { token: "4111111111111111" } }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
      issues: [{ path: "paymentMethod.token", message: "must be a payment token (tok_...)" }],
    });
  });

  it("answers NOT_FOUND for unknown orders and sagas", async () => {
    await expect(t.caller.client.call(orders.getOrder, { orderId: "nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(
      t.caller.client.call(orders.cancelOrder, { orderId: "nope", userId: "u-1" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(t.caller.client.call(orders.getSaga, { sagaId: "nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(t.caller.client.call(orders.getSaga, { orderId: "nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    await expect(t.caller.client.call(orders.retrySaga, { sagaId: "nope" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("customerReason", () => {
  it.each([
    ["reserve-stock failed: CONFLICT/OUT_OF_STOCK: not enough stock", "out of stock"],
    ["charge-payment failed: UNPROCESSABLE/CARD_DECLINED: declined", "payment declined"],
    [
      "create-shipment failed: UNPROCESSABLE/UNSUPPORTED_COUNTRY: we do not ship to AQ",
      "shipping to this country is not supported",
    ],
    ["cancelled: changed my mind", "changed my mind"],
  ])("turns %j into %j", (failure, reason) => {
    expect(customerReason(failure)).toBe(reason);
  });
});
