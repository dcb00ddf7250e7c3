import { notifications, orders, users } from "@bazaar/contracts";
import { useTestService } from "@bazaar/service-kit/testing";
import { beforeAll, describe, expect, it } from "vitest";
import { service } from "./service.js";
import { envelopeOf, givenSourceStreams, isSent, publish, waitForRow } from "./test-support/events.js";

const t = useTestService(service, { env: { NOTIFY_POLL_MS: "20" } });
beforeAll(() => givenSourceStreams(t.service, t.caller));

async function register(userId: string): Promise<string> {
  const envelope = envelopeOf(users.userRegistered, {
    userId,
    email: `${userId}@example.com`,
    name: userId,
    role: "customer",
  });
  await publish(t.caller, users.userRegistered, envelope);
  return envelope.id;
}

async function confirm(userId: string, orderId: string): Promise<string> {
  const data = { orderId, userId, totalCents: 1299, currency: "EUR" };
  const envelope = envelopeOf(orders.orderConfirmed, data);
  await publish(t.caller, orders.orderConfirmed, envelope);
  return envelope.id;
}

const list = (userId: string, limit = 20, cursor?: string | null) =>
  t.caller.client.call(notifications.listNotifications, { userId, limit, ...(cursor ? { cursor } : {}) });

describe("notifications.list", () => {
  it("pages one user's messages newest first, and shows nobody else's", async () => {
    const welcome = await register("u-list");
    await waitForRow(t.service.runtime, welcome, isSent);
    // One stream, published in order: recorded in this order too.
    const confirmed: string[] = [];
    for (let i = 1; i <= 5; i++) {
      confirmed.push(await confirm("u-list", `o-list-${i}`));
      await confirm("u-other", `o-other-${i}`);
    }
    for (const id of confirmed) await waitForRow(t.service.runtime, id, () => true);

    const seen: string[] = [];
    const pages: number[] = [];
    let cursor: string | null = null;
    do {
      const page = await list("u-list", 2, cursor);
      pages.push(page.items.length);
      for (const n of page.items) {
        expect(n.userId).toBe("u-list");
        seen.push(n.eventId);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...confirmed].reverse().concat(welcome));
    expect(pages).toEqual([2, 2, 2]);

    const other = await list("u-other");
    expect(other.items.map((n) => n.userId)).toEqual(Array(5).fill("u-other"));
    expect(other.nextCursor).toBeNull();
  });

  it("pages stably while new messages arrive", async () => {
    const welcome = await register("u-moving");
    await waitForRow(t.service.runtime, welcome, isSent);
    const older = [await confirm("u-moving", "o-moving-1"), await confirm("u-moving", "o-moving-2")];
    for (const id of older) await waitForRow(t.service.runtime, id, () => true);
    const first = await list("u-moving", 2);
    expect(first.items.map((n) => n.eventId)).toEqual([...older].reverse());

    const newer = await confirm("u-moving", "o-moving-3");
    await waitForRow(t.service.runtime, newer, () => true);
    // The cursor continues after what was seen, neither repeating nor skipping; the newer message
    // starts a fresh first page.
    const rest = await list("u-moving", 2, first.nextCursor);
    expect(rest).toEqual({ items: [expect.objectContaining({ eventId: welcome })], nextCursor: null });
    expect((await list("u-moving", 2)).items[0]?.eventId).toBe(newer);
  });

  it("refuses a cursor it did not issue", async () => {
    await expect(list("u-list", 2, "not-a-cursor")).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
