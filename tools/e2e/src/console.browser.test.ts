import { notifications } from "@bazaar/contracts";
import { services } from "@bazaar/topology";
import { jetstream } from "@nats-io/jetstream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleHarness, deadLetter, signIn, startConsoleHarness } from "./support/console-browser.js";
import { eventually } from "./support/test-system.js";

let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsoleHarness();
}, 180_000);

afterAll(async () => {
  await h?.stop();
  expect(h?.pageErrors ?? []).toEqual([]);
});

describe("the operations console in Chromium", () => {
  it("signs in as the admin and shows every service, each instance's checks, and the topology", async () => {
    const { page } = h;
    await signIn(h);
    // Every service of the registry (the console's server sends it to the page as /topology.json).
    for (const { name } of services) {
      await page.waitForSelector(`#services-table tr[data-service="${name}"]`);
      await page.waitForSelector(`#topology g[data-node="${name}"]`);
    }
    expect(await page.locator("#topology g.edge.call").count()).toBeGreaterThan(5);
    expect(await page.locator("#topology g.edge.event").count()).toBeGreaterThan(5);
    // Each instance's readiness checks, one by one, with their output (not only a badge).
    const orders = page.locator('#services-table tr[data-service="orders"]');
    await orders.locator("details.checks summary").click();
    const checks = orders.locator("tr[data-check]");
    expect(await checks.count()).toBeGreaterThan(0);
    expect(await orders.locator('tr[data-check-status="pass"]').count()).toBe(await checks.count());
    expect((await orders.locator("details.checks").textContent()) ?? "").toMatch(
      /nats|sqlite|database|stream/i,
    );
    await h.screenshot("console-services");
  });

  it("places an order with a declined card and shows its saga compensated, with each step's attempts", async () => {
    const { page } = h;
    await page.click('nav a[data-tab="sagas"]');
    await page.waitForSelector("#order-sku option", { state: "attached" });
    await page.selectOption("#order-sku", "MUG-001");
    await page.selectOption('#order-form select[name="token"]', "tok_chargeDeclined");
    await page.click('#order-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector("#order-result")?.getAttribute("data-order-id"));
    const orderId = (await page.getAttribute("#order-result", "data-order-id")) ?? "";
    await page.waitForSelector(`#sagas-table tr[data-order="${orderId}"][data-status="compensated"]`, {
      timeout: 20_000,
    });
    await page.click(`#sagas-table tr[data-order="${orderId}"]`);
    await page.waitForSelector("#saga-detail .badge.compensated");
    // The trace the saga started in (the request that placed the order).
    expect(await page.locator("#saga-detail [data-trace]").getAttribute("data-trace")).toMatch(
      /^[0-9a-f]{32}$/,
    );
    const detail = (await page.textContent("#saga-detail")) ?? "";
    expect(detail).toContain("CARD_DECLINED");
    expect(detail).toMatch(/compensate\s*reserve-stock/);
    // The charge step: its attempt, how long it took, and its error.
    const charge = page.locator('#saga-detail tr[data-step="charge-payment"]');
    expect(await charge.locator("ol.attempts li").count()).toBeGreaterThan(0);
    expect((await charge.textContent()) ?? "").toMatch(/\d+(\.\d)? ms/);
    await h.screenshot("console-saga-compensated");

    // Search by order id: only that order's saga.
    await page.fill("#saga-order", orderId);
    await page.click('#saga-filter button[type="submit"]');
    await page.waitForFunction((id) => {
      const rows = Array.from(document.querySelectorAll("#sagas-table tr[data-order]"));
      return rows.length === 1 && rows[0]?.getAttribute("data-order") === id;
    }, orderId);
    await page.fill("#saga-order", "");
  });

  it("filters sagas by status and pages through them with the cursor", async () => {
    const { page } = h;
    for (let i = 0; i < 3; i++) {
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
    }
    await page.selectOption("#saga-limit", "10");
    await page.selectOption("#saga-status", "completed");
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll("#sagas-table tr[data-saga]"));
      return rows.length >= 3 && rows.every((r) => r.getAttribute("data-status") === "completed");
    });
    // Pages of 10 with 4+ sagas in all: start again at 10 per page, then shrink through the select.
    await page.selectOption("#saga-status", "");
    await page.evaluate(() => {
      const select = document.querySelector("#saga-limit");
      if (select instanceof HTMLSelectElement) {
        select.add(new Option("2", "2"));
        select.value = "2";
        select.dispatchEvent(new Event("change"));
      }
    });
    await page.waitForFunction(() => document.querySelectorAll("#sagas-table tr[data-saga]").length === 2);
    const first = await page
      .locator("#sagas-table tr[data-saga]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-saga")));
    await page.waitForSelector("#sagas-next:not([disabled])");
    await page.click("#sagas-next");
    await page.waitForFunction(() =>
      document.querySelector("#sagas-page")?.textContent?.startsWith("page 2"),
    );
    const second = await page
      .locator("#sagas-table tr[data-saga]")
      .evaluateAll((rows) => rows.map((r) => r.getAttribute("data-saga")));
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((id) => first.includes(id))).toBe(false);
    await page.click("#sagas-prev");
    await page.waitForFunction(() =>
      document.querySelector("#sagas-page")?.textContent?.startsWith("page 1"),
    );
    await page.selectOption("#saga-limit", "25");
    // By age (on when the saga started): none of these is a day old, all started in the last 15 minutes.
    await page.selectOption("#saga-age", "older-1d");
    await page.waitForFunction(() => document.querySelectorAll("#sagas-table tr[data-saga]").length === 0);
    await page.selectOption("#saga-age", "newer-15m");
    await page.waitForFunction(() => document.querySelectorAll("#sagas-table tr[data-saga]").length >= 4);
    await page.selectOption("#saga-age", "");
  });

  it("replays a dead letter from the UI, shows its payload, and the event is applied", async () => {
    const { page, t } = h;
    const { userId } = await deadLetter(t, "SMTP relay refused the connection");
    await page.click('nav a[data-tab="dead-letters"]');
    const row = page.locator("#dlq-table tr[data-dead-letter]", { hasText: "SMTP relay refused" });
    await row.waitFor();
    await row.locator("details summary").click();
    expect((await row.locator("pre.payload").textContent()) ?? "").toContain(userId);
    await h.screenshot("console-dead-letter");
    await row.locator("button[data-replay]").click();
    await page.waitForFunction(() =>
      document.querySelector("#dlq-result")?.textContent?.startsWith("replayed dead letter"),
    );
    await row.waitFor({ state: "detached", timeout: 10_000 });
    // Replayed to its original subject: notifications now knows the user and welcomed them, once.
    const sent = await eventually(async () => {
      const page1 = await t.caller.client.call(notifications.listNotifications, { userId });
      expect(page1.items).toHaveLength(1);
      return page1.items;
    });
    expect(sent[0]).toMatchObject({ subject: "Welcome to Bazaar", to: `${userId}@example.com` });
  });

  it("discards a dead letter only with a reason, and it leaves the list", async () => {
    const { page, t } = h;
    await deadLetter(t, "template renderer crashed");
    const row = page.locator("#dlq-table tr[data-dead-letter]", { hasText: "template renderer crashed" });
    await row.waitFor();
    await page.fill("#dlq-reason", "");
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
  });

  it("tails events live, each with its trace", async () => {
    const { page } = h;
    await page.click('nav a[data-tab="events"]');
    await page.waitForFunction(
      () => document.querySelector("#event-status")?.getAttribute("data-state") === "live",
    );
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
    expect(
      await page.locator('#event-list li[data-type="order.placed"] [data-trace]').count(),
    ).toBeGreaterThan(0);
    await h.screenshot("console-live-events");
  });

  it("rebuilds the read model from the Streams tab: its state, counts and the event it skipped", async () => {
    const { page, t } = h;
    // An order.placed without data (valid JSON): its consumers dead-letter it; the rebuild skips and names it.
    const { seq } = await jetstream(t.caller.nc).publish(
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
    await h.screenshot("console-read-model-rebuilt");
  });

  it("charts metrics over time from the services' /metrics: lag, outbox, RPC p95 and orders by outcome", async () => {
    const { page } = h;
    await page.click('nav a[data-tab="metrics"]');
    // Every chart has series (those that stayed at zero are folded away, so attached rather than visible).
    for (const chart of ["consumer_lag", "outbox_pending", "rpc_p95_ms", "orders_per_minute"])
      await page.waitForSelector(`#metrics section[data-chart="${chart}"] tr[data-series] svg.spark`, {
        state: "attached",
        timeout: 20_000,
      });
    // The orders placed above: the placeOrder endpoint has a p95, and orders were confirmed.
    await page.waitForSelector('#metrics tr[data-series="rpc_p95_ms"][data-label="orders · placeOrder"]');
    const history = await page.evaluate(async () => (await fetch("/metrics-history.json")).json());
    const confirmed = history.series.find(
      (s: { chart: string; labels: { outcome?: string } }) =>
        s.chart === "orders_per_minute" && s.labels.outcome === "confirmed",
    );
    expect(Math.max(...confirmed.points.map((p: [number, number]) => p[1]))).toBeGreaterThan(0);
    expect(
      Object.values(history.sources).every((s) => (s as { lastError: unknown }).lastError === null),
    ).toBe(true);
    await page.waitForTimeout(1500);
    await h.screenshot("console-metrics");
  });
});
