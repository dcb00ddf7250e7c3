import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN,
  ARTIFACTS,
  type ConsoleHarness,
  signIn,
  startConsoleHarness,
} from "./support/console-browser.js";

// Access tokens live 30 s here (the users service's minimum), so a whole token lifetime fits in a test.
const TOKEN_TTL_S = 30;
let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsoleHarness({
    envFor: {
      users: { ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_S) },
      // No clock skew allowance: an expired token is refused at once.
      gateway: { JWT_LEEWAY_SECONDS: "0" },
    },
  });
}, 180_000);

afterAll(async () => {
  await h?.stop();
  expect(h?.pageErrors ?? []).toEqual([]);
});

const stored = (page: Page) =>
  page.evaluate(() => ({
    token: sessionStorage.getItem("bazaar.console.token"),
    refresh: sessionStorage.getItem("bazaar.console.refresh-token"),
  }));

/** A second signed-in tab of its own (its own sessionStorage). */
async function newTab(): Promise<Page> {
  const page = await (await h.browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
  page.on("pageerror", (err) => {
    h.pageErrors.push(err);
  });
  await page.goto(h.console.url);
  return page;
}

async function signInTab(page: Page): Promise<void> {
  await page.fill('input[name="password"]', ADMIN.password);
  await page.click('#login-form button[type="submit"]');
  await page.waitForSelector("#services-table tr[data-service]");
}

describe("the console when things fail", () => {
  it("raises a banner naming the failing call and its last success while the gateway is down, and clears it", async () => {
    const { page, t } = h;
    await signIn(h);
    await page.click('nav a[data-tab="sagas"]');
    await page.waitForSelector("#sagas-table");
    await page.click('nav a[data-tab="services"]');
    await page.waitForSelector("#services-table tr[data-service]");
    expect(await page.isHidden("#banner")).toBe(true);
    const rowsBefore = await page.locator("#services-table tr[data-service]").count();

    await t.system.stopService("gateway");
    const failed = page.locator('#banner li[data-failed="GET /api/admin/services"]');
    await failed.waitFor({ timeout: 10_000 });
    const text = (await failed.textContent()) ?? "";
    expect(text).toContain("does not answer");
    expect(text).toContain("HTTP 502");
    expect(text).toMatch(/last succeeded \d{1,2}:\d{2}:\d{2}/);
    // The last good data stays, under the banner that says it may be stale.
    expect(await page.locator("#services-table tr[data-service]").count()).toBe(rowsBefore);
    expect(await page.textContent("#banner")).toContain("may be stale");
    // A command fails the same way, and says so where the operator acted.
    await page.click('nav a[data-tab="sagas"]');
    await page.click("#sagas-retry-all");
    await page.waitForFunction(() =>
      document.querySelector("#sagas-result")?.textContent?.includes("does not answer"),
    );
    await page.click('nav a[data-tab="services"]');
    // A new tab starts with a clean banner; its own loads raise it again while the gateway is away.
    await failed.waitFor({ timeout: 10_000 });
    await h.screenshot("console-gateway-down");

    await t.system.startService("gateway");
    await page.waitForSelector("#banner", { state: "hidden", timeout: 20_000 });
    expect(await page.getAttribute("#banner", "data-state")).toBe("ok");
    expect(await page.isHidden("#login")).toBe(true);
  });

  it("over one token lifetime: refreshes before expiry, reopens the tail, and signs out when refresh is refused", async () => {
    // Tab A: a normal session, on the live tail; it must outlive its first access token.
    const a = await newTab();
    await signInTab(a);
    const first = await stored(a);
    expect(first.refresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const signedInAt = Date.now();
    await a.click('nav a[data-tab="events"]');
    await a.waitForFunction(
      () => document.querySelector("#event-status")?.getAttribute("data-state") === "live",
    );

    // Tab B: a session whose refresh token the gateway revoked (signed out elsewhere).
    const b = await newTab();
    await signInTab(b);
    const revoked = await stored(b);
    const logout = await fetch(`${h.console.url}/api/auth/logout`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ refreshToken: revoked.refresh }),
    });
    expect(logout.status).toBe(204);

    // Tab C: an access token without a refresh token: its tail stops when the token expires, and says so.
    const c = await newTab();
    const login = await fetch(`${h.console.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    const { accessToken, expiresIn } = (await login.json()) as { accessToken: string; expiresIn: number };
    expect(expiresIn).toBe(TOKEN_TTL_S);
    await c.evaluate(
      ([token, ttl]) => {
        sessionStorage.setItem("bazaar.console.token", String(token));
        sessionStorage.setItem("bazaar.console.expires-at", String(Date.now() + Number(ttl) * 1000));
      },
      [accessToken, expiresIn] as const,
    );
    await c.goto(`${h.console.url}/#events`);
    await c.waitForFunction(
      () => document.querySelector("#event-status")?.getAttribute("data-state") === "live",
    );

    // A: renewed before expiry, with a rotated refresh token, and the tail reopened with the new token.
    await a.waitForFunction((old) => sessionStorage.getItem("bazaar.console.token") !== old, first.token, {
      timeout: TOKEN_TTL_S * 1000,
    });
    expect(Date.now() - signedInAt).toBeLessThan(TOKEN_TTL_S * 1000);
    const renewed = await stored(a);
    expect(renewed.refresh).not.toBe(first.refresh);
    // B: its refresh was refused: it says so and shows the login.
    await b.waitForSelector("#login:not([hidden])", { timeout: TOKEN_TTL_S * 1000 });
    expect(await b.textContent("#login-reason")).toContain("could not be renewed");
    await b.screenshot({
      path: join(ARTIFACTS, "console-refresh-refused.png"),
    });

    // C: its tail ended with the token; the next call finds the session over.
    await c.waitForFunction(
      () => document.querySelector("#event-status")?.getAttribute("data-state") === "expired",
      undefined,
      {
        timeout: TOKEN_TTL_S * 1000,
      },
    );
    expect(await c.textContent("#event-status")).toContain("its access token expired");
    await c.screenshot({
      path: join(ARTIFACTS, "console-tail-expired.png"),
    });
    await c.click('nav a[data-tab="services"]');
    await c.waitForSelector("#login:not([hidden])");
    expect(await c.textContent("#login-reason")).toContain("session expired");

    // A, after its first token's expiry: still signed in, its tail still live, its calls still answered.
    await a.waitForTimeout(Math.max(0, signedInAt + TOKEN_TTL_S * 1000 + 1000 - Date.now()));
    expect(await a.getAttribute("#event-status", "data-state")).toBe("live");
    await a.click('nav a[data-tab="services"]');
    await a.waitForSelector("#services-table tr[data-service]");
    expect(await a.isHidden("#login")).toBe(true);
    expect(await a.isHidden("#banner")).toBe(true);
  }, 120_000);
});
