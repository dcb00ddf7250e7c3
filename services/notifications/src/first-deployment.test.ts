import { ORDERS_STREAM, orders, PAYMENTS_STREAM, USERS_STREAM, users } from "@bazaar/contracts";
import { ensureStream } from "@bazaar/service-kit/platform";
import {
  createTestClient,
  startTestService,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
// Stands in for the publishers: the operator writes the streams' history.
let writer: TestClient;
let svc: TestService | undefined;

beforeAll(async () => {
  nats = await startTestNats();
  writer = await createTestClient(nats.url);
});

afterAll(async () => {
  await svc?.stop();
  await writer?.close();
  await nats?.dispose();
});

describe("the first deployment of notifications", () => {
  it("sends nothing for the events already in the streams, learns every address, and notifies from then on", async () => {
    for (const stream of [USERS_STREAM, ORDERS_STREAM, PAYMENTS_STREAM])
      await ensureStream(writer.jsm, stream);
    // A month of history before notifications first runs.
    const old = {
      ...envelopeOf(users.userRegistered, {
        userId: "u-history",
        email: "old@example.com",
        name: "Old Timer",
        role: "customer",
      }),
      occurredAt: new Date(Date.now() - 3 * 24 * 60 * 60 * 1000).toISOString(),
    };
    await publish(writer, users.userRegistered, old);
    const placedBefore = envelopeOf(orders.orderPlaced, {
      orderId: "o-history",
      userId: "u-history",
      items: [{ sku: "MUG-001", quantity: 1, unitPriceCents: 1200 }],
      totalCents: 1200,
      currency: "EUR",
      placedAt: new Date().toISOString(),
    });
    await publish(writer, orders.orderPlaced, placedBefore);

    svc = await startTestService(service, { natsUrl: nats.url, env: { NOTIFY_POLL_MS: "20" } });
    await givenSourceStreams(svc, writer);
    const fresh = envelopeOf(users.userRegistered, {
      userId: "u-fresh",
      email: "new@example.com",
      name: "New Comer",
      role: "customer",
    });
    await publish(writer, users.userRegistered, fresh);

    expect(await waitForRow(svc.runtime, fresh.id, isSent)).toMatchObject({ to: "new@example.com" });
    // The old registration is history: no welcome, and no mail for the order placed before either...
    expect(rowsFor(svc.runtime, old.id)).toHaveLength(0);
    expect(rowsFor(svc.runtime, placedBefore.id)).toHaveLength(0);
    // ...but its address was learned, so a message about that user from now on goes out.
    const placedAfter = envelopeOf(orders.orderPlaced, { ...placedBefore.data, orderId: "o-now" });
    await publish(writer, orders.orderPlaced, placedAfter);
    expect(await waitForRow(svc.runtime, placedAfter.id, isSent)).toMatchObject({ to: "old@example.com" });
  });
});
