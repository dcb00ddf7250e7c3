import {
  type EventContract,
  type EventData,
  notifications,
  orders,
  payments,
  users,
} from "@bazaar/contracts";
import {
  captureLogs,
  createTestClient,
  startTestService,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notificationIdFor, recordNotification } from "./notifications.js";
import { service } from "./service.js";
import {
  envelopeOf,
  givenSourceStreams,
  isSent,
  publish,
  rowsFor,
  waitForRow,
} from "./test-support/events.js";

let nats: TestNats;
let svc: TestService;
let caller: TestClient;
const logs = captureLogs();

beforeAll(async () => {
  nats = await startTestNats();
  svc = await startTestService(service, { natsUrl: nats.url, logs, env: { NOTIFY_POLL_MS: "20" } });
  caller = await createTestClient(nats.url);
  await givenSourceStreams(svc, caller);
});

afterAll(async () => {
  await caller?.close();
  await svc?.stop();
  await nats?.dispose();
});

/** Publishes one event as its publisher would and returns its id. */
async function send<E extends EventContract>(event: E, data: EventData<E>): Promise<string> {
  const envelope = envelopeOf(event, data);
  await publish(caller, event, envelope);
  return envelope.id;
}

const register = (userId: string, email: string, name = "Ada Lovelace") =>
  send(users.userRegistered, { userId, email, name, role: "customer" });
const list = (userId: string, limit = 20, cursor?: string | null) =>
  caller.client.call(notifications.listNotifications, { userId, limit, ...(cursor ? { cursor } : {}) });

/** A kit counter from /metrics, summed over this service's consumers. */
async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${svc.url}/metrics`)).text();
  return text
    .split("\n")
    .filter((l) => l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.split(" ").at(-1)), 0);
}

describe("one message per event, to the user it concerns", () => {
  it("welcomes a registered user at the address they registered with", async () => {
    const eventId = await register("u-welcome", "ada@example.com");
    const row = await waitForRow(svc.runtime, eventId, isSent);
    expect(row).toMatchObject({
      userId: "u-welcome",
      to: "ada@example.com",
      subject: "Welcome to Bazaar",
      eventType: "user.registered",
      status: "sent",
      attempts: 1,
    });
    expect(row.body).toContain("Hi Ada Lovelace,");
    expect(row.sentAt).not.toBeNull();
    expect(rowsFor(svc.runtime, eventId)).toHaveLength(1);
  });

  describe("for a known user", () => {
    beforeAll(async () => {
      await waitForRow(svc.runtime, await register("u-orders", "grace@example.com", "Grace"), isSent);
    });

    const placedAt = new Date().toISOString();
    const cases: ReadonlyArray<{ event: EventContract; data: unknown; subject: string; body: string }> = [
      {
        event: orders.orderPlaced,
        data: {
          orderId: "o-100",
          userId: "u-orders",
          items: [
            { sku: "MUG-001", quantity: 2, unitPriceCents: 400 },
            { sku: "PEN-001", quantity: 1, unitPriceCents: 499 },
          ],
          totalCents: 1299,
          currency: "EUR",
          placedAt,
        },
        subject: "We received your order o-100",
        body: "We received your order o-100: 3 items, total €12.99.\n\n- 2 × MUG-001 at €4.00\n- 1 × PEN-001 at €4.99\n",
      },
      {
        event: orders.orderConfirmed,
        data: { orderId: "o-100", userId: "u-orders", totalCents: 1299, currency: "EUR" },
        subject: "Your order o-100 is confirmed",
        body: "Your order o-100 is confirmed: we charged €12.99 and it is on its way.",
      },
      {
        event: orders.orderCancelled,
        data: { orderId: "o-101", userId: "u-orders", reason: "out of stock" },
        subject: "Your order o-101 was cancelled",
        body: "Your order o-101 was cancelled: out of stock\n",
      },
      {
        event: payments.paymentFailed,
        data: {
          orderId: "o-102",
          userId: "u-orders",
          amountCents: 2500,
          currency: "EUR",
          reason: "CARD_DECLINED",
        },
        subject: "Payment for order o-102 failed",
        body: "Payment for order o-102 failed: CARD_DECLINED\n\nWe could not charge €25.00",
      },
    ];

    it.each(cases)("renders $event.type and sends it to the user's address", async (t) => {
      const eventId = await send(t.event, t.data as never);
      const row = await waitForRow(svc.runtime, eventId, isSent);
      expect(row).toMatchObject({ to: "grace@example.com", subject: t.subject, eventType: t.event.type });
      expect(row.body.startsWith(t.body), row.body).toBe(true);
      expect(rowsFor(svc.runtime, eventId)).toHaveLength(1);
    });
  });

  it("gives one message for an event published twice (same envelope id, two JetStream message ids)", async () => {
    await waitForRow(svc.runtime, await register("u-twice", "twice@example.com"), isSent);
    const envelope = envelopeOf(orders.orderConfirmed, {
      orderId: "o-twice",
      userId: "u-twice",
      totalCents: 100,
      currency: "EUR",
    });
    const duplicatesBefore = await metric("bazaar_consumer_duplicates_total");
    // Different message ids, so JetStream keeps both copies: only the service can stop the second.
    await publish(caller, orders.orderConfirmed, envelope, "copy-a");
    await publish(caller, orders.orderConfirmed, envelope, "copy-b");
    await waitForRow(svc.runtime, envelope.id, isSent);
    for (let i = 0; i < 200 && (await metric("bazaar_consumer_duplicates_total")) === duplicatesBefore; i++)
      await new Promise((r) => setTimeout(r, 25));
    expect(await metric("bazaar_consumer_duplicates_total")).toBe(duplicatesBefore + 1);
    expect(rowsFor(svc.runtime, envelope.id)).toHaveLength(1);
  });

  it("never records a second message for an event id, even past the kit's inbox", () => {
    const event = { id: "evt-replayed", type: "order.confirmed" };
    const again = { event, userId: "u-twice", subject: "s", body: "b" };
    const outcomes = svc.runtime.transaction((tx) => [
      recordNotification(tx as never, again),
      recordNotification(tx as never, { ...again, subject: "another rendering" }),
    ]);
    expect(outcomes).toEqual(["queued", "duplicate"]);
    expect(rowsFor(svc.runtime, "evt-replayed").map((r) => [r.id, r.subject])).toEqual([
      [notificationIdFor("evt-replayed"), "s"],
    ]);
    // The id (and so the Message-ID) depends on the event alone: a rebuilt database derives the same one.
    expect(notificationIdFor("evt-replayed")).toBe(notificationIdFor("evt-replayed"));
    expect(notificationIdFor("evt-replayed")).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(notificationIdFor("evt-other")).not.toBe(notificationIdFor("evt-replayed"));
  });
});

describe("events that arrive before the user's contact", () => {
  it("keeps an order.placed without an address, then delivers it once user.registered arrives", async () => {
    const placed = await send(orders.orderPlaced, {
      orderId: "o-early",
      userId: "u-late",
      items: [{ sku: "MUG-001", quantity: 1, unitPriceCents: 1299 }],
      totalCents: 1299,
      currency: "EUR",
      placedAt: new Date().toISOString(),
    });
    await waitForRow(svc.runtime, placed, (r) => r.status === "pending");
    // Several dispatcher polls later it is still waiting, untried.
    await new Promise((r) => setTimeout(r, 200));
    expect(rowsFor(svc.runtime, placed)[0]).toMatchObject({ status: "pending", to: null, attempts: 0 });
    expect((await list("u-late")).items).toEqual([
      expect.objectContaining({ eventId: placed, to: "", status: "pending", sentAt: null }),
    ]);

    const registered = await register("u-late", "late@example.com", "Lin");
    const row = await waitForRow(svc.runtime, placed, isSent);
    expect(row).toMatchObject({
      to: "late@example.com",
      attempts: 1,
      subject: "We received your order o-early",
    });
    expect(await waitForRow(svc.runtime, registered, isSent)).toMatchObject({ to: "late@example.com" });
    expect((await list("u-late")).items.map((n) => [n.eventType, n.status])).toEqual([
      ["user.registered", "sent"],
      ["order.placed", "sent"],
    ]);
  });
});

describe("the store transport", () => {
  it("marks messages sent and logs subject and recipient, never the body", async () => {
    const eventId = await register("u-logged", "logged@example.com", "Secret Name");
    const row = await waitForRow(svc.runtime, eventId, isSent);
    expect(row.messageId).toBe(`<${row.id}@bazaar.local>`);
    const line = logs
      .lines()
      .find((l) => l.msg === "message stored (store transport)" && l.notificationId === row.id);
    expect(line).toMatchObject({ to: "logged@example.com", subject: "Welcome to Bazaar" });
    expect(JSON.stringify(logs.lines())).not.toContain("Secret Name");
  });
});
