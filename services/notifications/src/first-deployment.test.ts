import { ORDERS_STREAM, PAYMENTS_STREAM, USERS_STREAM, users } from "@bazaar/contracts";
import { declareService, ensureStream } from "@bazaar/service-kit";
import { startTestService, type TestService } from "@bazaar/service-kit/testing";
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

// Stands in for the publishers: it only lends its connection to write the streams' history.
const historian = declareService({
  name: "historian",
  version: "1.0.0",
  description: "Writes stream history (test)",
}).define({});

let nats: TestNats;
let writer: TestService;
let svc: TestService | undefined;

beforeAll(async () => {
  nats = await startTestNats();
  writer = await startTestService(historian, { natsUrl: nats.url });
});

afterAll(async () => {
  await svc?.stop();
  await writer?.stop();
  await nats?.dispose();
});

describe("the first deployment of notifications", () => {
  it("sends nothing for the events already in the streams, and everything from then on", async () => {
    for (const stream of [USERS_STREAM, ORDERS_STREAM, PAYMENTS_STREAM])
      await ensureStream(writer.runtime.nats.jsm, stream);
    // A month of history before notifications first runs.
    const old = envelopeOf(users.userRegistered, {
      userId: "u-history",
      email: "old@example.com",
      name: "Old Timer",
      role: "customer",
    });
    await publish(writer.runtime, users.userRegistered, old);

    svc = await startTestService(service, { natsUrl: nats.url, env: { NOTIFY_POLL_MS: "20" } });
    await givenSourceStreams(svc);
    const fresh = envelopeOf(users.userRegistered, {
      userId: "u-fresh",
      email: "new@example.com",
      name: "New Comer",
      role: "customer",
    });
    await publish(svc.runtime, users.userRegistered, fresh);

    expect(await waitForRow(svc.runtime, fresh.id, isSent)).toMatchObject({ to: "new@example.com" });
    expect(rowsFor(svc.runtime, old.id)).toHaveLength(0);
  });
});
