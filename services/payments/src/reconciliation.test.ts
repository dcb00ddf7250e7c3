import { type EventContract, payments } from "@bazaar/contracts";
import {
  type CapturedLogs,
  captureLogs,
  createTestClient,
  readEvents,
  startTestService,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chargeIntents, chargesInDoubt, simulatedCharges } from "./db/schema.js";
import { reconciliationProblems } from "./declaration.js";
import { service } from "./service.js";

// Short settings so the tests can watch a charge land and a window pass: the charge lands 400 ms after its
// lost answer, reconciliation runs every 100 ms, and the processor's idempotency window is 2 s.
const SETTLEMENT_DELAY_MS = 400;
const WINDOW_MS = 2000;

let nats: TestNats;
let svc: TestService;
let caller: TestClient;
let logs: CapturedLogs;

beforeAll(async () => {
  nats = await startTestNats();
  logs = captureLogs();
  svc = await startTestService(service, {
    natsUrl: nats.url,
    logs,
    env: {
      PAYMENT_SETTLEMENT_DELAY_MS: String(SETTLEMENT_DELAY_MS),
      PAYMENT_RECONCILE_INTERVAL_MS: "100",
      PAYMENT_RECONCILE_WINDOW_MS: String(WINDOW_MS),
    },
  });
  await svc.runtime.nats.nc.flush();
  caller = await createTestClient(nats.url);
});

afterAll(async () => {
  await caller?.close();
  await svc?.stop();
  await nats?.dispose();
});

const charge = (orderId: string, token: string) =>
  caller.client.call(payments.charge, {
    orderId,
    userId: "u-1",
    amountCents: 4200,
    currency: "EUR",
    paymentMethod: { token },
  });
const refund = (orderId: string) =>
  caller.client.call(payments.refund, { orderId, reason: "order cancelled" });
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err,
  );

const ledger = (orderId: string) =>
  svc.runtime.db.select().from(simulatedCharges).where(eq(simulatedCharges.orderId, orderId)).all();
const doubt = (orderId: string) =>
  svc.runtime.db.select().from(chargesInDoubt).where(eq(chargesInDoubt.orderId, orderId)).get();
const logged = (orderId: string, msg: string) =>
  logs.lines().filter((l) => l.orderId === orderId && String(l.msg).startsWith(msg));

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function eventsOf(event: EventContract, orderId: string) {
  for (let i = 0; i < 100 && (svc.runtime.outboxStats()?.pending ?? 0) > 0; i++)
    await new Promise((r) => setTimeout(r, 50));
  return (await readEvents(caller.nc, event)).filter(
    (e) => (e.data as { orderId: string }).orderId === orderId,
  );
}

async function metric(name: string, outcome?: string): Promise<number | undefined> {
  const text = await svc.runtime.metrics.render();
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (outcome && !line.includes(`outcome="${outcome}"`)) continue;
    return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("the simulated processor's delayed settlement (tok_settlesLate)", () => {
  it("loses the first answer, refuses a retry until the charge lands, then answers the one charge", async () => {
    const orderId = "o-late-retry";
    expect(await failureOf(charge(orderId, "tok_settlesLate"))).toMatchObject({
      code: "UNAVAILABLE",
      reason: "PROCESSOR_ERROR",
    });
    expect(await failureOf(charge(orderId, "tok_settlesLate"))).toMatchObject({ code: "UNAVAILABLE" });
    await new Promise((r) => setTimeout(r, SETTLEMENT_DELAY_MS + 50));
    // A retry (the saga's) after the charge landed gets it, once: nothing was in doubt.
    expect(await charge(orderId, "tok_settlesLate")).toMatchObject({
      status: "completed",
      amountCents: 4200,
    });
    expect(ledger(orderId)).toMatchObject([{ attempts: 3, outcome: "charged" }]);
    expect(doubt(orderId)).toBeUndefined();
    expect(await eventsOf(payments.paymentCompleted, orderId)).toHaveLength(1);
  });
});

describe("a charge in doubt", () => {
  it("lands after the refund: reconciliation records it and refunds it exactly once", async () => {
    const orderId = "o-doubt-lands";
    // The charge is with the processor, its answer is lost; the saga gives up and compensates.
    expect(await failureOf(charge(orderId, "tok_settlesLate"))).toMatchObject({ code: "UNAVAILABLE" });
    expect(await refund(orderId)).toEqual({ orderId, status: "in_doubt", payment: null });
    expect(doubt(orderId)).toMatchObject({ outcome: null, amountCents: 4200, reason: "order cancelled" });
    expect(
      svc.runtime.db.select().from(chargeIntents).where(eq(chargeIntents.orderId, orderId)).all(),
    ).toEqual([]);
    // The order is voided: a late retry of the charge does not reach the processor.
    expect(await failureOf(charge(orderId, "tok_settlesLate"))).toMatchObject({
      code: "CONFLICT",
      reason: "ORDER_VOIDED",
    });
    expect(logged(orderId, "charge in doubt:")).toHaveLength(1);

    const settled = await until("the doubt to settle", () => doubt(orderId)?.outcome ?? undefined);
    expect(settled).toBe("refunded");
    const payment = await caller.client.call(payments.getPayment, { orderId });
    expect(payment).toMatchObject({ status: "refunded", amountCents: 4200 });
    // More passes and another refund change nothing: the card was refunded once.
    await new Promise((r) => setTimeout(r, 400));
    expect(await refund(orderId)).toEqual({ orderId, status: "refunded", payment });
    expect(ledger(orderId)).toMatchObject([{ attempts: 1, outcome: "charged", refundAttempts: 1 }]);
    expect(await eventsOf(payments.paymentCompleted, orderId)).toHaveLength(1);
    expect(await eventsOf(payments.paymentRefunded, orderId)).toHaveLength(1);
    expect(logged(orderId, "charge in doubt settled: it had landed")).toHaveLength(1);
    expect(await metric("bazaar_payments_charges_in_doubt_settled", "refunded")).toBe(1);
  });

  it("never lands: stays in doubt through the window, then is recorded as no money moved", async () => {
    const orderId = "o-doubt-void";
    expect(await failureOf(charge(orderId, "tok_lostInFlight"))).toMatchObject({ code: "UNAVAILABLE" });
    const since = Date.now();
    expect(await refund(orderId)).toEqual({ orderId, status: "in_doubt", payment: null });
    expect(await metric("bazaar_payments_charges_in_doubt")).toBe(1);

    // Reconciliation keeps asking; within the window "unknown" is not an answer.
    await until("reconciliation to ask again", () => ((doubt(orderId)?.checks ?? 0) >= 3 ? true : undefined));
    expect(doubt(orderId)?.outcome).toBeNull();
    expect(Date.now() - since).toBeLessThan(WINDOW_MS);
    expect(await metric("bazaar_payments_charge_in_doubt_oldest_seconds")).toBeGreaterThan(0);

    const settled = await until("the doubt to settle", () => doubt(orderId)?.outcome ?? undefined);
    expect(settled).toBe("not_charged");
    expect(Date.now() - since).toBeGreaterThanOrEqual(WINDOW_MS);
    expect(await refund(orderId)).toEqual({ orderId, status: "not_charged", payment: null });
    expect(await failureOf(caller.client.call(payments.getPayment, { orderId }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await failureOf(charge(orderId, "tok_lostInFlight"))).toMatchObject({ reason: "ORDER_VOIDED" });
    expect(ledger(orderId)).toMatchObject([{ attempts: 1, outcome: null, refundAttempts: 0 }]);
    expect(await eventsOf(payments.paymentCompleted, orderId)).toHaveLength(0);
    expect(await eventsOf(payments.paymentRefunded, orderId)).toHaveLength(0);
    expect(logged(orderId, "charge in doubt settled: it never landed, no money moved")).toHaveLength(1);
    expect(await metric("bazaar_payments_charges_in_doubt_settled", "not_charged")).toBe(1);
    expect(await metric("bazaar_payments_charges_in_doubt")).toBe(0);
  });
});

describe("configuration", () => {
  it("refuses a simulated settlement that would land after the window", () => {
    const config = { PAYMENT_PROVIDER: "simulated", PAYMENT_RECONCILE_WINDOW_MS: 1000 };
    expect(reconciliationProblems({ ...config, PAYMENT_SETTLEMENT_DELAY_MS: 1000 })).toEqual([
      "PAYMENT_SETTLEMENT_DELAY_MS: must be shorter than PAYMENT_RECONCILE_WINDOW_MS",
    ]);
    expect(reconciliationProblems({ ...config, PAYMENT_SETTLEMENT_DELAY_MS: 999 })).toEqual([]);
  });
});
