import { type EventContract, shipping } from "@bazaar/contracts";
import { ConfigError, loadConfig, type RpcClient } from "@bazaar/service-kit/platform";
import {
  createTestClient,
  readEvents,
  startTestService,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats, tempDir } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_SUPPORTED_COUNTRIES } from "./countries.js";
import { shippingService } from "./declaration.js";
import { service } from "./service.js";

let nats: TestNats;
let svc: TestService;
let caller: TestClient;
let client: RpcClient;

beforeAll(async () => {
  nats = await startTestNats();
  // AQ is listed on purpose: it must be refused anyway.
  svc = await started(service, { natsUrl: nats.url, env: { SUPPORTED_COUNTRIES: "DE,FR,GB,US,AQ" } });
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

const address = (country: string, line1 = "Hauptstraße 1") => ({
  name: "Ada Lovelace",
  line1,
  city: "Berlin",
  postalCode: "10115",
  country,
});
const items = [
  { sku: "MUG-001", quantity: 2 },
  { sku: "TEE-001", quantity: 1 },
];
const ship = (orderId: string, country = "DE", on: RpcClient = client) =>
  on.call(shipping.createShipment, { orderId, address: address(country), items });
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (err: unknown) => err,
  );

async function eventsOf<E extends EventContract>(event: E, orderId: string) {
  for (let i = 0; i < 100 && (svc.runtime.outboxStats()?.pending ?? 0) > 0; i++)
    await new Promise((r) => setTimeout(r, 50));
  return (await readEvents(caller.nc, event)).filter(
    (e) => (e.data as { orderId: string }).orderId === orderId,
  );
}

describe("createShipment", () => {
  it("creates a shipment with a tracking number; a repeat returns the same one and emits once", async () => {
    const first = await ship("o-ship");
    expect(first).toMatchObject({
      orderId: "o-ship",
      carrier: "Bazaar Post",
      status: "created",
      country: "DE",
    });
    expect(first.trackingNumber).toMatch(/^BZ\d{9}DE$/);
    // The first shipment stands, whatever a repeat carries.
    const repeat = await client.call(shipping.createShipment, {
      orderId: "o-ship",
      address: address("DE", "Elsewhere 9"),
      items,
    });
    expect(repeat).toEqual(first);
    expect(await client.call(shipping.getShipment, { orderId: "o-ship" })).toEqual(first);

    const created = await eventsOf(shipping.shipmentCreated, "o-ship");
    expect(created.map((e) => e.data)).toEqual([
      {
        orderId: "o-ship",
        shipmentId: first.shipmentId,
        trackingNumber: first.trackingNumber,
        carrier: "Bazaar Post",
        items,
      },
    ]);
    expect(created[0]).toMatchObject({ type: "shipment.created", version: 1, source: "shipping" });
  });

  it("creates one shipment when 20 requests for an order arrive together", async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => ship("o-race")));
    expect(new Set(results.map((s) => s.trackingNumber)).size).toBe(1);
    expect(await eventsOf(shipping.shipmentCreated, "o-race")).toHaveLength(1);
  });

  it("gives every shipment its own tracking number", async () => {
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => ship(`o-many-${i}`, "FR")));
    expect(new Set(results.map((s) => s.trackingNumber)).size).toBe(30);
    expect(results.every((s) => /^BZ\d{9}FR$/.test(s.trackingNumber))).toBe(true);
  });

  it("refuses AQ even though it is listed (UNSUPPORTED_COUNTRY), the same on every repeat", async () => {
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(await failureOf(ship("o-aq", "AQ"))).toMatchObject({
        code: "UNPROCESSABLE",
        reason: "UNSUPPORTED_COUNTRY",
        details: { country: "AQ" },
      });
    }
    expect(await failureOf(client.call(shipping.getShipment, { orderId: "o-aq" }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await client.call(shipping.cancelShipment, { orderId: "o-aq" })).toEqual({
      orderId: "o-aq",
      status: "not_found",
    });
    expect(await eventsOf(shipping.shipmentCreated, "o-aq")).toHaveLength(0);
  });

  it("refuses a country outside SUPPORTED_COUNTRIES, and keeps refusing that order", async () => {
    expect(await failureOf(ship("o-br", "BR"))).toMatchObject({
      code: "UNPROCESSABLE",
      reason: "UNSUPPORTED_COUNTRY",
    });
    // Even a repeat to a supported country gets the stored answer: the order's first request decided it.
    expect(await failureOf(ship("o-br", "DE"))).toMatchObject({ reason: "UNSUPPORTED_COUNTRY" });
    expect(await eventsOf(shipping.shipmentCreated, "o-br")).toHaveLength(0);
  });

  it("refuses malformed requests with BAD_REQUEST", async () => {
    expect(await failureOf(ship("o-bad", "de"))).toMatchObject({ code: "BAD_REQUEST" });
    expect(
      await failureOf(
        client.call(shipping.createShipment, { orderId: "o-bad", address: address("DE"), items: [] }),
      ),
    ).toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("cancelShipment", () => {
  it("cancels once: twice answers cancelled, one shipment.cancelled, and the order cannot ship again", async () => {
    const shipment = await ship("o-cancel");
    expect(await client.call(shipping.cancelShipment, { orderId: "o-cancel" })).toEqual({
      orderId: "o-cancel",
      status: "cancelled",
    });
    expect(await client.call(shipping.cancelShipment, { orderId: "o-cancel" })).toEqual({
      orderId: "o-cancel",
      status: "cancelled",
    });
    expect(await client.call(shipping.getShipment, { orderId: "o-cancel" })).toMatchObject({
      trackingNumber: shipment.trackingNumber,
      status: "cancelled",
    });
    expect(await failureOf(ship("o-cancel"))).toMatchObject({
      code: "CONFLICT",
      reason: "SHIPMENT_CANCELLED",
    });

    const cancelled = await eventsOf(shipping.shipmentCancelled, "o-cancel");
    expect(cancelled.map((e) => e.data)).toEqual([{ orderId: "o-cancel", shipmentId: shipment.shipmentId }]);
    expect(cancelled[0]).toMatchObject({ type: "shipment.cancelled", version: 1, source: "shipping" });
  });

  it("answers not_found for an unknown order, and getShipment is NOT_FOUND", async () => {
    expect(await client.call(shipping.cancelShipment, { orderId: "o-unknown" })).toEqual({
      orderId: "o-unknown",
      status: "not_found",
    });
    expect(await failureOf(client.call(shipping.getShipment, { orderId: "o-unknown" }))).toMatchObject({
      code: "NOT_FOUND",
    });
    expect(await eventsOf(shipping.shipmentCancelled, "o-unknown")).toHaveLength(0);
    // The cancel came first (a saga compensating a create that timed out): a late create must not ship.
    const late = await failureOf(
      client.call(shipping.createShipment, {
        orderId: "o-unknown",
        address: { name: "Ada", line1: "1 St", city: "London", postalCode: "N1", country: "GB" },
        items: [{ sku: "MUG-001", quantity: 1 }],
      }),
    );
    expect(late).toMatchObject({ code: "CONFLICT", reason: "SHIPMENT_CANCELLED" });
    expect(await eventsOf(shipping.shipmentCreated, "o-unknown")).toHaveLength(0);
  });
});

describe("configuration", () => {
  it("defaults to Bazaar Post and the common countries, and refuses a malformed country list", () => {
    const config = loadConfig(shippingService.config, {});
    expect(config.CARRIER_NAME).toBe("Bazaar Post");
    expect(config.SUPPORTED_COUNTRIES).toEqual([...DEFAULT_SUPPORTED_COUNTRIES]);
    expect(config.SUPPORTED_COUNTRIES).toContain("DE");
    const bad = (() => {
      try {
        return loadConfig(shippingService.config, { SUPPORTED_COUNTRIES: "DE,germany" });
      } catch (err) {
        return err;
      }
    })();
    expect(bad).toBeInstanceOf(ConfigError);
    expect((bad as ConfigError).variables).toEqual(["SUPPORTED_COUNTRIES"]);
  });

  it("keeps a refusal across a restart that adds the country; new orders use CARRIER_NAME", async () => {
    // Its own broker, so these instances do not share the other tests' queue group.
    await using broker = await startTestNats();
    using data = tempDir("bazaar-shipping-");
    const own = await createTestClient(broker.url);
    try {
      const before = await started(service, {
        natsUrl: broker.url,
        dataDir: data.path,
        env: { SUPPORTED_COUNTRIES: "DE" },
      });
      expect(await failureOf(ship("o-later", "BR", own.client))).toMatchObject({
        reason: "UNSUPPORTED_COUNTRY",
      });
      await before.stop();

      const after = await started(service, {
        natsUrl: broker.url,
        dataDir: data.path,
        env: { SUPPORTED_COUNTRIES: "DE,BR", CARRIER_NAME: "Test Carrier" },
      });
      try {
        expect(await failureOf(ship("o-later", "BR", own.client))).toMatchObject({
          reason: "UNSUPPORTED_COUNTRY",
        });
        const fresh = await ship("o-later-2", "BR", own.client);
        expect(fresh).toMatchObject({ carrier: "Test Carrier", country: "BR" });
        expect(fresh.trackingNumber).toMatch(/^BZ\d{9}BR$/);
      } finally {
        await after.stop();
      }
    } finally {
      await own.close();
    }
  });
});
