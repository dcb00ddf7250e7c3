import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ConsoleServer, startConsole } from "@bazaar/console";
import { DEAD_LETTER_STREAM, notifications, users } from "@bazaar/contracts";
import { services } from "@bazaar/topology";
import { headers } from "@nats-io/transport-node";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually, startTestSystem, type TestSystem } from "./support/test-system.js";

const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "test-artifacts");

let t: TestSystem;
let consoleServer: ConsoleServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_BIN)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  t = await startTestSystem("monolith", { gateway: true });
  consoleServer = await startConsole({ port: 0, gatewayUrl: t.system.url("gateway") });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // The flags this machine's closed network needs (no background calls to the outside).
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (err) => {
    throw err;
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await consoleServer?.stop();
  await t?.stop();
});

/** Writes a user.registered event that notifications gave up on, as the kit writes dead letters. */
async function deadLetter(error: string): Promise<string> {
  const userId = `dlq-user-${Date.now()}`;
  const envelope = {
    id: `evt-${userId}`,
    type: users.userRegistered.type,
    version: 1,
    occurredAt: new Date().toISOString(),
    source: "users",
    data: { userId, email: `${userId}@example.com`, name: "Replayed User", role: "customer" },
  };
  const h = headers();
  const origin: Record<string, string> = {
    "Bazaar-Dlq-Stream": users.userRegistered.stream.name,
    "Bazaar-Dlq-Subject": users.userRegistered.subject,
    "Bazaar-Dlq-Sequence": "1",
    "Bazaar-Dlq-Consumer": "notifications__user-registered-v1",
    "Bazaar-Dlq-Service": "notifications",
    "Bazaar-Dlq-Deliveries": "5",
    "Bazaar-Dlq-Reason": "max_deliveries",
    "Bazaar-Dlq-Error": error,
    "Bazaar-Dlq-Failed-At": new Date().toISOString(),
  };
  for (const [k, v] of Object.entries(origin)) h.set(k, v);
  const js = (await import("@nats-io/jetstream")).jetstream(t.caller.nc);
  await js.publish(`dlq.notifications.${users.userRegistered.subject}`, JSON.stringify(envelope), {
    headers: h,
    expect: { streamName: DEAD_LETTER_STREAM.name },
  });
  return userId;
}

describe("the operations console in Chromium", () => {
  it("signs in as the admin and shows every service and the topology", async () => {
    await page.goto(consoleServer.url);
    await page.fill('input[name="password"]', "bazaar-admin-dev");
    await page.click('#login-form button[type="submit"]');
    await page.waitForSelector("#services-table tr[data-service]");
    // Every service of the registry (the console's server sends it to the page as /topology.json).
    for (const { name } of services) {
      await page.waitForSelector(`#services-table tr[data-service="${name}"]`);
      await page.waitForSelector(`#topology g[data-node="${name}"]`);
    }
    expect(await page.locator("#topology g.edge.call").count()).toBeGreaterThan(5);
    expect(await page.locator("#topology g.edge.event").count()).toBeGreaterThan(5);
    await page.screenshot({ path: join(ARTIFACTS, "console-services.png"), fullPage: true });
  });

  it("places an order with a declined card and shows its saga compensated, with the timeline", async () => {
    await page.click('nav a[data-tab="sagas"]');
    await page.waitForSelector("#order-sku option", { state: "attached" });
    await page.selectOption("#order-sku", "MUG-001");
    await page.selectOption('#order-form select[name="token"]', "tok_chargeDeclined");
    await page.click('#order-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector("#order-result")?.getAttribute("data-order-id"));
    const orderId = await page.getAttribute("#order-result", "data-order-id");
    const row = page.locator(`#sagas-table tr[data-order="${orderId}"]`);
    await row.waitFor();
    await page.waitForSelector(`#sagas-table tr[data-order="${orderId}"][data-status="compensated"]`, {
      timeout: 20_000,
    });
    await row.click();
    await page.waitForSelector("#saga-detail .badge.compensated");
    const timeline = await page.textContent("#saga-detail");
    expect(timeline).toContain("CARD_DECLINED");
    expect(timeline).toContain("reserve-stock");
    expect(timeline).toMatch(/compensate\s*reserve-stock/);
    await page.screenshot({ path: join(ARTIFACTS, "console-saga-compensated.png"), fullPage: true });
  });

  it("replays a dead letter from the UI and the event is applied", async () => {
    const userId = await deadLetter("SMTP relay refused the connection");

    await page.click('nav a[data-tab="dead-letters"]');
    const row = page.locator("#dlq-table tr[data-dead-letter]", { hasText: "SMTP relay refused" });
    await row.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, "console-dead-letter.png"), fullPage: true });
    await row.locator("button[data-replay]").click();
    await page.waitForFunction(() =>
      document.querySelector("#dlq-result")?.textContent?.startsWith("replayed dead letter"),
    );
    await page
      .waitForSelector("#dlq-table tr[data-dead-letter]", { state: "detached", timeout: 10_000 })
      .catch(() => undefined);
    expect(await page.locator("#dlq-table tr", { hasText: "SMTP relay refused" }).count()).toBe(0);

    // Replayed to its original subject: notifications now knows the user and welcomed them, once.
    const sent = await eventually(async () => {
      const page1 = await t.caller.client.call(notifications.listNotifications, { userId });
      expect(page1.items).toHaveLength(1);
      return page1.items;
    });
    expect(sent[0]).toMatchObject({ subject: "Welcome to Bazaar", to: `${userId}@example.com` });
    await page.screenshot({ path: join(ARTIFACTS, "console-dead-letter-replayed.png"), fullPage: true });
  });

  it("discards a dead letter only with a reason, and it leaves the list", async () => {
    await deadLetter("template renderer crashed");
    await page.click('nav a[data-tab="sagas"]');
    await page.click('nav a[data-tab="dead-letters"]');
    const row = page.locator("#dlq-table tr[data-dead-letter]", { hasText: "template renderer crashed" });
    await row.waitFor();
    await row.locator("button[data-discard]").click();
    await page.waitForFunction(() =>
      document.querySelector("#dlq-result")?.textContent?.startsWith("say why"),
    );
    await page.fill("#dlq-reason", "the template is fixed in the next release; the welcome is not resent");
    await row.locator("button[data-discard]").click();
    await page.waitForFunction(() =>
      document.querySelector("#dlq-result")?.textContent?.startsWith("discarded dead letter"),
    );
    await row.waitFor({ state: "detached", timeout: 10_000 });
    await page.click('nav a[data-tab="sagas"]');
    await page.click('nav a[data-tab="dead-letters"]');
    await page.waitForSelector("#dlq-table");
    expect(await page.locator("#dlq-table tr", { hasText: "template renderer crashed" }).count()).toBe(0);
  });

  it("tails events live", async () => {
    await page.click('nav a[data-tab="events"]');
    // Give the stream a moment to open, then cause some events.
    await page.waitForTimeout(500);
    await page.evaluate(async () => {
      const token = sessionStorage.getItem("bazaar.console.token");
      await fetch("/api/orders", {
        method: "POST",
        headers: {
          "content-type": "application/json",
          authorization: `Bearer ${token}`,
          "idempotency-key": crypto.randomUUID(),
        },
        body: JSON.stringify({
          items: [{ sku: "PEN-001", quantity: 1 }],
          shippingAddress: { name: "A", line1: "1 St", city: "London", postalCode: "N1", country: "GB" },
          paymentMethod: { token: "tok_visa" },
        }),
      });
    });
    await page.waitForSelector('#event-list li[data-type="order.confirmed"]', { timeout: 20_000 });
    expect(await page.locator('#event-list li[data-type="order.placed"]').count()).toBeGreaterThan(0);
    // Each event names its trace (a link when a trace viewer runs).
    expect(
      await page.locator('#event-list li[data-type="order.placed"] [data-trace]').count(),
    ).toBeGreaterThan(0);
    await page.screenshot({ path: join(ARTIFACTS, "console-live-events.png"), fullPage: true });
  });

  it("rebuilds the read model from the Streams tab: its state, counts and the event it skipped", async () => {
    // An order.placed without data (valid JSON): its consumers dead-letter it; the rebuild skips and names it.
    const js = (await import("@nats-io/jetstream")).jetstream(t.caller.nc);
    const { seq } = await js.publish(
      "evt.order.placed.v1",
      JSON.stringify({
        id: `evt-broken-${Date.now()}`,
        type: "order.placed",
        version: 1,
        occurredAt: new Date().toISOString(),
        source: "orders",
      }),
    );
    await page.click('nav a[data-tab="streams"]');
    await page.waitForSelector("#rebuild-status [data-rebuild-state]");
    await page.click("#rebuild");
    await page.waitForFunction(() =>
      document.querySelector("#rebuild-result")?.textContent?.startsWith("rebuild "),
    );
    await page.waitForSelector('#rebuild-status [data-rebuild-state="completed"]', { timeout: 20_000 });
    const row = page.locator(`#rebuild-status tr[data-skipped="${seq}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain("invalid order.placed v1");
    expect(await page.textContent("#rebuild-status")).toContain("1 skipped");
    await page.screenshot({ path: join(ARTIFACTS, "console-read-model-rebuilt.png"), fullPage: true });
  });
});
