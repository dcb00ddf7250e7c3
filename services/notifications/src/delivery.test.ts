import { users } from "@bazaar/contracts";
import {
  createTestClient,
  startTestService,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createNotificationsService } from "./service.js";
import {
  envelopeOf,
  givenSourceStreams,
  isSent,
  publish,
  rowsFor,
  waitForRow,
} from "./test-support/events.js";
import type { OutgoingMessage, Transport } from "./transports/transport.js";

/** A transport the tests script per recipient: fail a number of times, or hold a send until released. */
const script = {
  failuresLeft: new Map<string, number>(),
  held: new Map<string, { started: () => void; release: Promise<void> }>(),
  attempts: [] as Array<{ at: number; message: OutgoingMessage }>,
  delivered: [] as OutgoingMessage[],
};
const scripted: Transport = {
  name: "scripted",
  async send(message) {
    script.attempts.push({ at: Date.now(), message });
    const hold = script.held.get(message.to);
    if (hold) {
      hold.started();
      await hold.release;
    }
    const left = script.failuresLeft.get(message.to) ?? 0;
    if (left > 0) {
      script.failuresLeft.set(message.to, left - 1);
      throw new Error(`mailbox busy (${left} more)`);
    }
    script.delivered.push(message);
    return { messageId: `relay-${message.notificationId}` };
  },
};
const attemptsTo = (to: string) => script.attempts.filter((a) => a.message.to === to);

const BACKOFF_MS = 100;
const MAX_ATTEMPTS = 4;
const env = {
  NOTIFY_POLL_MS: "20",
  NOTIFY_BACKOFF_MS: String(BACKOFF_MS),
  NOTIFY_BACKOFF_MAX_MS: "1000",
  NOTIFY_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
};

let nats: TestNats;
let svc: TestService;
let operator: TestClient;

beforeAll(async () => {
  nats = await startTestNats();
  operator = await createTestClient(nats.url);
  svc = await startTestService(createNotificationsService({ transport: scripted }), {
    natsUrl: nats.url,
    env,
  });
  await givenSourceStreams(svc, operator);
});

afterAll(async () => {
  await operator?.close();
  await svc?.stop();
  await nats?.dispose();
});

async function register(userId: string, email: string): Promise<string> {
  const envelope = envelopeOf(users.userRegistered, { userId, email, name: userId, role: "customer" });
  await publish(operator, users.userRegistered, envelope);
  return envelope.id;
}

describe("delivery", () => {
  it("retries a failing send with growing delays and ends sent, counting every attempt", async () => {
    script.failuresLeft.set("flaky@example.com", 2);
    const eventId = await register("u-flaky", "flaky@example.com");
    const row = await waitForRow(svc.runtime, eventId, isSent);
    expect(row).toMatchObject({
      attempts: 3,
      lastError: "mailbox busy (1 more)",
      messageId: `relay-${row.id}`,
    });
    const tries = attemptsTo("flaky@example.com");
    expect(tries).toHaveLength(3);
    // Every attempt carries the same Message-ID, so a receiver can drop a copy.
    expect(new Set(tries.map((t) => t.message.messageId))).toEqual(new Set([`<${row.id}@bazaar.local>`]));
    const [a, b, c] = tries.map((t) => t.at) as [number, number, number];
    // The kit's backoff: doubling, with ±20 % jitter so that retries after an outage do not fire together.
    expect(b - a).toBeGreaterThanOrEqual(0.8 * BACKOFF_MS);
    expect(c - b).toBeGreaterThanOrEqual(0.8 * 2 * BACKOFF_MS);
    expect(script.delivered.filter((m) => m.to === "flaky@example.com")).toHaveLength(1);
  });

  it("marks a message failed after NOTIFY_MAX_ATTEMPTS, without holding up other mail", async () => {
    script.failuresLeft.set("doomed@example.com", 1000);
    const doomed = await register("u-doomed", "doomed@example.com");
    const happy = await register("u-happy", "happy@example.com");
    await waitForRow(svc.runtime, happy, isSent);
    // The happy message went out while the doomed one was still waiting out its backoff.
    expect(rowsFor(svc.runtime, doomed)[0]?.status).toBe("pending");

    const row = await waitForRow(svc.runtime, doomed, (r) => r.status === "failed");
    expect(row).toMatchObject({ attempts: MAX_ATTEMPTS, sentAt: null });
    expect(row.lastError).toMatch(/^mailbox busy/);
    await new Promise((r) => setTimeout(r, 4 * BACKOFF_MS));
    expect(attemptsTo("doomed@example.com")).toHaveLength(MAX_ATTEMPTS);
  });
});

describe("when SQLite refuses to record a send", () => {
  it("backs off instead of resending in a tight loop, and records the send once SQLite recovers", async () => {
    const sqlite = svc.runtime.store?.sqlite;
    if (!sqlite) throw new Error("expected a store");
    // A real SQLite failure, for this recipient only: every update of its row is refused.
    sqlite.exec(`CREATE TRIGGER refuse_stuck BEFORE UPDATE ON notifications
      WHEN OLD.to_address = 'stuck@example.com' BEGIN SELECT RAISE(ABORT, 'disk says no'); END`);
    let eventId = "";
    try {
      eventId = await register("u-stuck", "stuck@example.com");
      await new Promise((r) => setTimeout(r, 8 * BACKOFF_MS));
      // Backoff after each failure (100, 200, 400 ms...) allows about four sends here; polling would be 40.
      expect(attemptsTo("stuck@example.com").length).toBeGreaterThanOrEqual(1);
      expect(attemptsTo("stuck@example.com").length).toBeLessThanOrEqual(5);
    } finally {
      sqlite.exec("DROP TRIGGER refuse_stuck");
    }
    expect(await waitForRow(svc.runtime, eventId, isSent)).toMatchObject({ to: "stuck@example.com" });
  });
});

describe("shutdown", () => {
  it("lets a send in progress finish and records it before the database closes", async () => {
    let started!: () => void;
    let release!: () => void;
    const sending = new Promise<void>((resolve) => {
      started = resolve;
    });
    script.held.set("slow@example.com", { started, release: new Promise((resolve) => (release = resolve)) });
    const eventId = await register("u-slow", "slow@example.com");
    await sending;

    let stopped = false;
    const stopping = svc.stopKeepingData().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(stopped).toBe(false);
    release();
    await stopping;

    // The same SQLite file, opened again: the message is recorded sent, and not sent a second time.
    script.held.clear();
    const again = await startTestService(createNotificationsService({ transport: scripted }), {
      natsUrl: nats.url,
      dataDir: svc.dataDir,
      env,
    });
    try {
      expect(rowsFor(again.runtime, eventId)[0]).toMatchObject({ status: "sent", attempts: 1 });
      await new Promise((r) => setTimeout(r, 200));
      expect(attemptsTo("slow@example.com")).toHaveLength(1);
    } finally {
      await again.stop();
    }
  });
});
