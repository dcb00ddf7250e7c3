import { type EventContract, payments } from "@bazaar/contracts";
import type { RpcClient } from "@bazaar/service-kit/platform";
import {
  createTestClient,
  readEvents,
  startTestService,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cardProcessor } from "./card-processor.js";
import { chargesInDoubt, paymentRecords, simulatedCharges } from "./db/schema.js";
import { recordCharge, recordIntent } from "./payments.js";
import { service } from "./service.js";

let nats: TestNats;
let svc: TestService;
let caller: TestClient;
let client: RpcClient;

beforeAll(async () => {
  nats = await startTestNats();
  svc = await started(service, { natsUrl: nats.url });
  caller = await createTestClient(nats.url);
  client = caller.client;
});

afterAll(async () => {
  await caller?.close();
  await svc?.stop();
  await nats?.dispose();
});

/**
 * `started` starts the service and waits until the broker has its RPC subscriptions: the kit resolves
 * `startService` without flushing them, so an already connected caller could get "no responders".
 */
async function started(...args: Parameters<typeof startTestService>): Promise<TestService> {
  const running = await startTestService(...args);
  await running.runtime.nats.nc.flush();
  return running;
}

const chargeWith = (orderId: string, token: string, amountCents = 2598) =>
  client.call(payments.charge, {
    orderId,
    userId: "u-1",
    amountCents,
    currency: "EUR",
    paymentMethod: { token },
  });
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err,
  );

/** What the simulated processor recorded for an order: how often it was asked to charge and refund. */
function ledger(on: TestService, orderId: string) {
  return on.runtime.db.select().from(simulatedCharges).where(eq(simulatedCharges.orderId, orderId)).all();
}

async function eventsOf<E extends EventContract>(on: TestService, nc: TestClient, event: E, orderId: string) {
  for (let i = 0; i < 100 && (on.runtime.outboxStats()?.pending ?? 0) > 0; i++)
    await new Promise((r) => setTimeout(r, 50));
  return (await readEvents(nc.nc, event)).filter((e) => (e.data as { orderId: string }).orderId === orderId);
}

describe("charge", () => {
  it("charges tok_visa once; a repeat returns the stored payment and emits nothing more", async () => {
    const first = await chargeWith("o-visa", "tok_visa");
    expect(first).toMatchObject({
      orderId: "o-visa",
      userId: "u-1",
      amountCents: 2598,
      currency: "EUR",
      status: "completed",
      failureReason: null,
    });
    expect(await chargeWith("o-visa", "tok_visa")).toEqual(first);
    expect(await client.call(payments.getPayment, { orderId: "o-visa" })).toEqual(first);
    expect(ledger(svc, "o-visa")).toMatchObject([{ attempts: 1, outcome: "charged" }]);

    const completed = await eventsOf(svc, caller, payments.paymentCompleted, "o-visa");
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ type: "payment.completed", version: 1, source: "payments" });
    expect(completed[0]?.data).toEqual({
      orderId: "o-visa",
      paymentId: first.paymentId,
      userId: "u-1",
      amountCents: 2598,
      currency: "EUR",
    });
  });

  it("treats any other tok_ token as a working card", async () => {
    expect(await chargeWith("o-other-card", "tok_mastercard")).toMatchObject({ status: "completed" });
  });

  it("stores a decline: CARD_DECLINED now and on every repeat, one payment.failed", async () => {
    const first = await failureOf(chargeWith("o-declined", "tok_chargeDeclined"));
    expect(first).toMatchObject({ code: "UNPROCESSABLE", reason: "CARD_DECLINED" });
    const repeat = await failureOf(chargeWith("o-declined", "tok_chargeDeclined"));
    expect(repeat).toMatchObject({
      code: "UNPROCESSABLE",
      reason: "CARD_DECLINED",
      message: (first as Error).message,
    });
    expect(await client.call(payments.getPayment, { orderId: "o-declined" })).toMatchObject({
      status: "failed",
      failureReason: "CARD_DECLINED",
    });
    // The repeat was answered from the stored decline: the card was tried once.
    expect(ledger(svc, "o-declined")).toMatchObject([{ attempts: 1, outcome: "declined" }]);

    const failed = await eventsOf(svc, caller, payments.paymentFailed, "o-declined");
    expect(failed.map((e) => e.data)).toEqual([
      { orderId: "o-declined", userId: "u-1", amountCents: 2598, currency: "EUR", reason: "CARD_DECLINED" },
    ]);
    expect(failed[0]).toMatchObject({ type: "payment.failed", version: 1, source: "payments" });
    expect(await eventsOf(svc, caller, payments.paymentCompleted, "o-declined")).toHaveLength(0);
  });

  it("tok_processingError: UNAVAILABLE twice with nothing stored, then exactly one charge", async () => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await failureOf(chargeWith("o-flaky", "tok_processingError"))).toMatchObject({
        code: "UNAVAILABLE",
        reason: "PROCESSOR_ERROR",
      });
      expect(await failureOf(client.call(payments.getPayment, { orderId: "o-flaky" }))).toMatchObject({
        code: "NOT_FOUND",
      });
    }
    const third = await chargeWith("o-flaky", "tok_processingError");
    expect(third.status).toBe("completed");
    expect(await chargeWith("o-flaky", "tok_processingError")).toEqual(third);
    expect(ledger(svc, "o-flaky")).toMatchObject([{ attempts: 3, outcome: "charged" }]);
    expect(await eventsOf(svc, caller, payments.paymentCompleted, "o-flaky")).toHaveLength(1);
  });

  it("refuses a zero amount (INVALID_AMOUNT) and malformed input (BAD_REQUEST), storing nothing", async () => {
    expect(await failureOf(chargeWith("o-zero", "tok_visa", 0))).toMatchObject({
      code: "UNPROCESSABLE",
      reason: "INVALID_AMOUNT",
    });
    expect(await failureOf(chargeWith("o-zero", "tok_visa", -5))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await failureOf(chargeWith("o-zero", "4242424242424242"))).toMatchObject({ code: "BAD_REQUEST" });
    expect(await failureOf(client.call(payments.getPayment, { orderId: "o-zero" }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(ledger(svc, "o-zero")).toEqual([]);
  });

  it("refuses a charge of an already charged order for another amount (CHARGE_MISMATCH)", async () => {
    await chargeWith("o-mismatch", "tok_visa", 1000);
    expect(await failureOf(chargeWith("o-mismatch", "tok_visa", 2000))).toMatchObject({
      code: "CONFLICT",
      reason: "CHARGE_MISMATCH",
    });
    expect((await client.call(payments.getPayment, { orderId: "o-mismatch" })).amountCents).toBe(1000);
  });

  it("keeps the first stored charge when a second one races it to the table (the cross-instance guard)", async () => {
    const intent = { orderId: "o-twice", userId: "u-1", amountCents: 500, currency: "EUR" };
    const store = (chargeId: string) =>
      svc.runtime.transaction((tx, outbox) =>
        recordCharge(tx as never, outbox as never, intent, { status: "charged", chargeId }),
      );
    const first = store("ch_first");
    const second = store("ch_second");
    expect(second).toEqual(first);
    expect(
      svc.runtime.db.select().from(paymentRecords).where(eq(paymentRecords.orderId, "o-twice")).all(),
    ).toHaveLength(1);
    expect(await eventsOf(svc, caller, payments.paymentCompleted, "o-twice")).toHaveLength(1);
  });
});

describe("refund", () => {
  it("refunds once: a second refund answers refunded without asking the processor again", async () => {
    const paid = await chargeWith("o-refund", "tok_visa");
    const first = await client.call(payments.refund, { orderId: "o-refund", reason: "customer cancelled" });
    expect(first).toMatchObject({
      orderId: "o-refund",
      status: "refunded",
      payment: { paymentId: paid.paymentId, status: "refunded" },
    });
    expect(await client.call(payments.refund, { orderId: "o-refund" })).toEqual(first);
    expect(await client.call(payments.getPayment, { orderId: "o-refund" })).toEqual(first.payment);
    expect(ledger(svc, "o-refund")).toMatchObject([{ attempts: 1, refundAttempts: 1 }]);
    // A late retry of the charge gets the payment as it stands; the card is not charged again.
    expect(await chargeWith("o-refund", "tok_visa")).toMatchObject({ status: "refunded" });
    expect(ledger(svc, "o-refund")).toMatchObject([{ attempts: 1 }]);

    const refunded = await eventsOf(svc, caller, payments.paymentRefunded, "o-refund");
    expect(refunded.map((e) => e.data)).toEqual([
      { orderId: "o-refund", paymentId: paid.paymentId, userId: "u-1", amountCents: 2598, currency: "EUR" },
    ]);
    expect(refunded[0]).toMatchObject({ type: "payment.refunded", version: 1, source: "payments" });
  });

  it("answers not_charged for an order never charged, or whose card was declined", async () => {
    expect(await client.call(payments.refund, { orderId: "o-never" })).toEqual({
      orderId: "o-never",
      status: "not_charged",
      payment: null,
    });
    await failureOf(chargeWith("o-declined-refund", "tok_chargeDeclined"));
    expect(await client.call(payments.refund, { orderId: "o-declined-refund" })).toMatchObject({
      status: "not_charged",
      payment: { status: "failed" },
    });
    expect(ledger(svc, "o-declined-refund")).toMatchObject([{ refundAttempts: 0 }]);
    expect(await eventsOf(svc, caller, payments.paymentRefunded, "o-never")).toHaveLength(0);
    // The refund came first (a saga compensating a charge that timed out): a late charge must not go through.
    await expect(chargeWith("o-never", "tok_visa")).rejects.toMatchObject({
      code: "CONFLICT",
      reason: "ORDER_VOIDED",
    });
    expect(ledger(svc, "o-never")).toEqual([]);
    await expect(client.call(payments.getPayment, { orderId: "o-never" })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await eventsOf(svc, caller, payments.paymentRefunded, "o-declined-refund")).toHaveLength(0);
  });

  it("tok_refundFails: the charge works, every refund is UNAVAILABLE (REFUND_FAILED), nothing is refunded", async () => {
    await chargeWith("o-stuck", "tok_refundFails");
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await failureOf(client.call(payments.refund, { orderId: "o-stuck" }))).toMatchObject({
        code: "UNAVAILABLE",
        reason: "REFUND_FAILED",
      });
    }
    expect((await client.call(payments.getPayment, { orderId: "o-stuck" })).status).toBe("completed");
    expect(ledger(svc, "o-stuck")).toMatchObject([{ outcome: "charged", refundAttempts: 3, refundId: null }]);
    expect(await eventsOf(svc, caller, payments.paymentRefunded, "o-stuck")).toHaveLength(0);
  });

  it("getPayment is NOT_FOUND for an unknown order", async () => {
    expect(await failureOf(client.call(payments.getPayment, { orderId: "o-unknown" }))).toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("with processor latency", () => {
  let slowNats: TestNats;
  let slow: TestService;
  let slowCaller: TestClient;

  beforeAll(async () => {
    // Its own broker, so this instance does not share the other tests' queue group.
    slowNats = await startTestNats();
    slow = await started(service, { natsUrl: slowNats.url, env: { PAYMENT_LATENCY_MS: "200" } });
    slowCaller = await createTestClient(slowNats.url);
  });

  afterAll(async () => {
    await slowCaller?.close();
    await slow?.stop();
    await slowNats?.dispose();
  });

  const slowCharge = (orderId: string) =>
    slowCaller.client.call(payments.charge, {
      orderId,
      userId: "u-2",
      amountCents: 1299,
      currency: "EUR",
      paymentMethod: { token: "tok_visa" },
    });

  it("applies PAYMENT_LATENCY_MS inside the processor call", async () => {
    const started = performance.now();
    await slowCharge("o-slow");
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    // A stored payment is answered without the processor, so without its latency.
    const again = performance.now();
    await slowCharge("o-slow");
    expect(performance.now() - again).toBeLessThan(150);
  });

  it("charges once when 20 charges of one order arrive together", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => slowCharge("o-race")));
    expect(new Set(results.map((p) => p.paymentId)).size).toBe(1);
    expect(ledger(slow, "o-race")).toMatchObject([{ attempts: 1 }]);
    expect(
      slow.runtime.db.select().from(paymentRecords).where(eq(paymentRecords.orderId, "o-race")).all(),
    ).toHaveLength(1);
    expect(await eventsOf(slow, slowCaller, payments.paymentCompleted, "o-race")).toHaveLength(1);
  });

  it("makes a refund that arrives during the charge wait for it, then refund it", async () => {
    const charging = slowCharge("o-overtaken");
    await new Promise((r) => setTimeout(r, 50));
    const refunded = await slowCaller.client.call(payments.refund, { orderId: "o-overtaken" });
    expect(refunded).toMatchObject({ status: "refunded", payment: { status: "refunded" } });
    expect((await charging).status).toBe("completed");
    expect(await eventsOf(slow, slowCaller, payments.paymentRefunded, "o-overtaken")).toHaveLength(1);
  });

  it("settles a charge whose answer was lost in a crash: a refund asks the processor, records the charge, refunds it", async () => {
    const orderId = "o-lost-answer";
    const intent = { orderId, userId: "u-1", amountCents: 2598, currency: "EUR" };
    // What a crash between the processor's answer and its recording leaves: an intent, a charge at the
    // processor, no payment row.
    svc.runtime.transaction((tx) => recordIntent(tx as never, intent));
    const ctx = { db: svc.runtime.db as never, config: svc.runtime.config as never };
    await cardProcessor(ctx).charge({ ...intent, token: "tok_visa", idempotencyKey: `charge:${orderId}` });
    await expect(client.call(payments.getPayment, { orderId })).rejects.toMatchObject({ code: "NOT_FOUND" });

    const refunded = await client.call(payments.refund, { orderId, reason: "saga gave up on the charge" });
    expect(refunded).toMatchObject({
      status: "refunded",
      payment: { status: "refunded", amountCents: 2598 },
    });
    expect(await eventsOf(svc, caller, payments.paymentCompleted, orderId)).toHaveLength(1);
    expect(await eventsOf(svc, caller, payments.paymentRefunded, orderId)).toHaveLength(1);
    expect(ledger(svc, orderId)).toMatchObject([{ attempts: 1, refundAttempts: 1 }]);
  });

  it("keeps a charge the processor does not know in doubt instead of voiding it as never charged", async () => {
    // With a real processor "no such charge" may mean "not landed yet": only its idempotency window (a day
    // by default) tells, so the refund may not conclude that no money moved.
    const orderId = "o-never-sent";
    svc.runtime.transaction((tx) =>
      recordIntent(tx as never, { orderId, userId: "u-1", amountCents: 100, currency: "EUR" }),
    );
    expect(await client.call(payments.refund, { orderId })).toEqual({
      orderId,
      status: "in_doubt",
      payment: null,
    });
    expect(await client.call(payments.refund, { orderId })).toEqual({
      orderId,
      status: "in_doubt",
      payment: null,
    });
    expect(
      svc.runtime.db.select().from(chargesInDoubt).where(eq(chargesInDoubt.orderId, orderId)).all(),
    ).toMatchObject([{ amountCents: 100, outcome: null, checks: 2 }]);
    await expect(chargeWith(orderId, "tok_visa")).rejects.toMatchObject({
      code: "CONFLICT",
      reason: "ORDER_VOIDED",
    });
  });
});
