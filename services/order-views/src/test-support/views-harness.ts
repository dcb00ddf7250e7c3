// The order-views tests' shared setup: a real broker with the source streams, the service itself, and
// helpers to publish source events as their publishers would and to wait for the model to catch up.
import { randomUUID } from "node:crypto";
import {
  DEAD_LETTER_STREAM,
  type EventContract,
  ORDERS_STREAM,
  orders,
  orderViews,
  PAYMENTS_STREAM,
  SHIPPING_STREAM,
} from "@bazaar/contracts";
import { consumerName, ensureStream } from "@bazaar/service-kit/platform";
import {
  createTestClient,
  startTestService,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { expect, vi } from "vitest";
import { SOURCE_EVENTS } from "../declaration.js";
import { createOrderViewsService } from "../service.js";

export interface PublishOptions {
  /** `occurredAt` (default: a clock that moves one second per event). */
  readonly at?: string;
  readonly id?: string;
  /** The publisher's per-order sequence; absent, the event is unsequenced, as events recorded before it. */
  readonly seq?: number;
}

export interface ViewsHarness {
  readonly nats: TestNats;
  readonly svc: TestService;
  readonly caller: TestClient;
  /** The next time of the harness clock. */
  tick(): string;
  publish(event: EventContract, data: Record<string, unknown>, options?: PublishOptions): Promise<string>;
  /** Publishes a raw body on a subject, as a broken publisher could. */
  publishRaw(subject: string, body: string): Promise<void>;
  placed(orderId: string, userId: string, options?: PublishOptions): Promise<string>;
  view(orderId: string): Promise<orderViews.OrderView>;
  /** Waits until every source event has been applied. */
  settle(): Promise<void>;
  /** Starts a rebuild and waits until it ended; returns its final status. */
  rebuild(): Promise<orderViews.RebuildStatus>;
  /** Removes every message the source streams hold now, as max age or max bytes would. */
  ageOutEverything(streams?: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

/** `startViewsHarness` starts a broker, the source streams and order-views; `beforeSwitch` as the rebuilder's. */
export async function startViewsHarness(
  options: { beforeSwitch?: () => Promise<void> } = {},
): Promise<ViewsHarness> {
  const nats = await startTestNats();
  const svc = await startTestService(createOrderViewsService(options), { natsUrl: nats.url });
  const caller = await createTestClient(nats.url);
  // Set-up as the operator: order-views itself may not create the sources' streams or publish their events.
  const { js, jsm } = caller;
  for (const stream of [ORDERS_STREAM, PAYMENTS_STREAM, SHIPPING_STREAM, DEAD_LETTER_STREAM])
    await ensureStream(jsm, stream);
  // The consumers wait for their streams: until they exist, "no lag" would mean nothing.
  await vi.waitFor(
    async () => {
      for (const e of SOURCE_EVENTS)
        await jsm.consumers.info(e.stream.name, consumerName(svc.runtime.name, e));
    },
    { timeout: 15_000, interval: 100 },
  );

  let clock = Date.parse("2026-11-25T10:00:00.000Z");
  const tick = (): string => {
    clock += 1000;
    return new Date(clock).toISOString();
  };
  const publishRaw = async (subject: string, body: string): Promise<void> => {
    await js.publish(subject, body, { msgID: randomUUID() });
  };
  const publish: ViewsHarness["publish"] = async (event, data, o = {}) => {
    const id = o.id ?? randomUUID();
    const envelope = {
      id,
      type: event.type,
      version: event.version,
      occurredAt: o.at ?? tick(),
      source: event.publisher,
      ...(o.seq === undefined ? {} : { aggregate: { key: String(data.orderId), seq: o.seq } }),
      data,
    };
    await publishRaw(event.subject, JSON.stringify(envelope));
    return id;
  };
  const lag = async (): Promise<number | undefined> =>
    ((await svc.runtime.health()).checks.lag?.[0]?.observedValue as { events: number } | undefined)?.events;
  const status = () => caller.client.call(orderViews.rebuildStatus, {});

  return {
    nats,
    svc,
    caller,
    tick,
    publish,
    publishRaw,
    placed: (orderId, userId, o = {}) => {
      const at = o.at ?? tick();
      return publish(
        orders.orderPlaced,
        {
          orderId,
          userId,
          items: [
            { sku: "MUG-001", quantity: 2, unitPriceCents: 1299 },
            { sku: "PEN-001", quantity: 1, unitPriceCents: 699 },
          ],
          totalCents: 3297,
          currency: "EUR",
          placedAt: at,
        },
        { ...o, at },
      );
    },
    view: (orderId) => caller.client.call(orderViews.getOrderView, { orderId }),
    settle: () => vi.waitFor(async () => expect(await lag()).toBe(0), { timeout: 10_000, interval: 50 }),
    rebuild: async () => {
      await caller.client.call(orderViews.rebuild, {});
      await vi.waitFor(async () => expect((await status()).state).not.toBe("running"), {
        timeout: 20_000,
        interval: 50,
      });
      return status();
    },
    ageOutEverything: async (streams = ["ORDERS", "PAYMENTS", "SHIPPING"]) => {
      for (const stream of streams) {
        const info = await jsm.streams.info(stream);
        await jsm.streams.purge(stream, { seq: info.state.last_seq + 1 });
      }
    },
    stop: async () => {
      await caller?.close();
      await svc?.stop();
      await nats?.dispose();
    },
  };
}
