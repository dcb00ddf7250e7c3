import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ConsoleServer, startConsole } from "@bazaar/console";
import { DEAD_LETTER_STREAM, users } from "@bazaar/contracts";
import { services } from "@bazaar/topology";
import { jetstream } from "@nats-io/jetstream";
import { headers } from "@nats-io/transport-node";
import { type Browser, chromium, type Page } from "playwright-core";
import { startTestSystem, type TestSystem } from "./test-system.js";

const CHROMIUM = process.env.CHROMIUM_BIN ?? "/usr/bin/chromium";
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test-artifacts");
export const ADMIN = { email: "admin@bazaar.local", password: "bazaar-admin-dev" };

export interface ConsoleHarness {
  readonly t: TestSystem;
  readonly console: ConsoleServer;
  readonly browser: Browser;
  readonly page: Page;
  /** Errors the page threw (a console test fails on any). */
  readonly pageErrors: Error[];
  screenshot(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `startConsoleHarness` runs the whole system in one process with its gateway, the console in front of
 * it (sampling every service's /metrics), and a headless Chromium page on the console.
 */
export async function startConsoleHarness(
  options: { env?: Record<string, string>; envFor?: Record<string, Record<string, string>> } = {},
): Promise<ConsoleHarness> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_BIN)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const t = await startTestSystem("monolith", { gateway: true, ...options });
  const metricsUrls = Object.fromEntries(services.map((s) => [s.name, `${t.system.url(s.name)}/metrics`]));
  const consoleServer = await startConsole({
    port: 0,
    gatewayUrl: t.system.url("gateway"),
    metricsUrls,
    metricsIntervalMs: 500,
  });
  const browser = await chromium.launch({
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
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const pageErrors: Error[] = [];
  page.on("pageerror", (err) => {
    pageErrors.push(err);
  });
  return {
    t,
    console: consoleServer,
    browser,
    page,
    pageErrors,
    screenshot: async (name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async stop() {
      await browser.close();
      await consoleServer.stop();
      await t.stop();
    },
  };
}

/** Opens the console and signs in as the seeded admin. */
export async function signIn(h: ConsoleHarness): Promise<void> {
  await h.page.goto(h.console.url);
  await h.page.fill('input[name="password"]', ADMIN.password);
  await h.page.click('#login-form button[type="submit"]');
  await h.page.waitForSelector("#services-table tr[data-service]");
}

/**
 * Writes a user.registered event that notifications gave up on, as the kit writes dead letters;
 * `data` overrides the event's data (to make one its contract rejects).
 */
export async function deadLetter(
  t: TestSystem,
  error: string,
  data: Record<string, unknown> = {},
): Promise<{ userId: string; eventId: string }> {
  const userId = `dlq-user-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const eventId = `evt-${userId}`;
  const envelope = {
    id: eventId,
    type: users.userRegistered.type,
    version: 1,
    occurredAt: new Date().toISOString(),
    source: "users",
    data: { userId, email: `${userId}@example.com`, name: "Replayed User", role: "customer", ...data },
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
  await jetstream(t.caller.nc).publish(
    `dlq.notifications.${users.userRegistered.subject}`,
    JSON.stringify(envelope),
    {
      headers: h,
      expect: { streamName: DEAD_LETTER_STREAM.name },
    },
  );
  return { userId, eventId };
}
