import { notifications } from "@bazaar/contracts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ConsoleHarness, deadLetter, signIn, startConsoleHarness } from "./support/console-browser.js";
import { eventually } from "./support/test-system.js";

let h: ConsoleHarness;

beforeAll(async () => {
  h = await startConsoleHarness();
  await signIn(h);
  await h.page.click('nav a[data-tab="dead-letters"]');
}, 180_000);

afterAll(async () => {
  await h?.stop();
  expect(h?.pageErrors ?? []).toEqual([]);
});

const welcomed = (userId: string) =>
  eventually(async () => {
    const sent = await h.t.caller.client.call(notifications.listNotifications, { userId });
    expect(sent.items).toHaveLength(1);
    return sent.items[0];
  });

async function filterBy(fields: Record<string, string>) {
  for (const name of ["service", "stream", "eventType", "error"])
    await h.page.fill(`#dlq-filter [name="${name}"]`, fields[name] ?? "");
  await h.page.click('#dlq-filter button[type="submit"]');
}

describe("dead letters in the console", () => {
  it("groups dead letters by error, filters them, and replays a group as a job with its progress", async () => {
    const { page, t } = h;
    const ledger = [];
    for (const n of [101, 202, 303]) ledger.push(await deadLetter(t, `order ${n} not found in the ledger`));
    await deadLetter(t, "SMTP relay timed out");

    // Grouped by error, numbers collapsed: three "order N not found" and one SMTP timeout.
    const group = page.locator("#dlq-groups tr[data-group-key]", { hasText: "not found in the ledger" });
    // The panel refreshes every 2 s: wait for the round that saw all four.
    await page.waitForFunction(() => {
      const rows = Array.from(document.querySelectorAll("#dlq-groups tr[data-group-key]"));
      const ledger = rows.find((r) => r.textContent?.includes("not found in the ledger"));
      return rows.length === 2 && ledger?.querySelector("td")?.textContent === "3";
    });

    // Filtered by error text (case-insensitive) and service: only the ledger ones.
    await filterBy({ service: "notifications", error: "LEDGER" });
    await page.waitForFunction(
      () => document.querySelectorAll("#dlq-table tr[data-dead-letter]").length === 3,
    );
    expect(await page.textContent("#replay-matching")).toBe("Replay all 3 matching");
    const first = page.locator("#dlq-table tr[data-dead-letter]").first();
    await first.locator("details summary").click();
    expect(await first.locator("pre.payload").textContent()).toContain('"type": "user.registered"');
    await h.screenshot("console-dead-letter-groups");

    await filterBy({});
    await group.locator("button[data-replay-group]").click();
    await page.waitForSelector('#dlq-job [data-job-kind="replay"][data-job-status="completed"]', {
      timeout: 20_000,
    });
    expect(await page.textContent("#dlq-job [data-job-counts]")).toMatch(
      /^3 matched · 3 replayed · 0 failed/,
    );
    await h.screenshot("console-dead-letter-replay-job");
    for (const { userId } of ledger)
      expect(await welcomed(userId)).toMatchObject({ subject: "Welcome to Bazaar" });
    await group.waitFor({ state: "detached" });
    // The one of the other group is still there, and the job is in the recent jobs.
    await page.waitForSelector("#dlq-table tr[data-dead-letter]", { state: "attached" });
    expect(
      await page.locator("#dlq-table tr[data-dead-letter]", { hasText: "SMTP relay timed out" }).count(),
    ).toBe(1);
    expect(await page.locator("#dlq-jobs tr[data-job-row]").count()).toBeGreaterThan(0);
  });

  it("edits a dead letter's payload, refuses data its contract rejects, and replays it recorded as edited", async () => {
    const { page, t } = h;
    const { userId } = await deadLetter(t, "role wizard has no welcome template", { role: "wizard" });
    const row = page.locator("#dlq-table tr[data-dead-letter]", { hasText: "no welcome template" });
    await row.waitFor();
    await row.locator("button[data-edit]").click();
    const editor = page.locator("#dlq-edit-data");
    expect(JSON.parse(await editor.inputValue())).toMatchObject({ userId, role: "wizard" });

    // Not a role the contract knows: it says which field is wrong, without echoing the value back.
    await page.click("#dlq-edit-replay");
    await page.waitForSelector("#dlq-edit-result [data-edit-issues]");
    const issues = (await page.textContent("#dlq-edit-result")) ?? "";
    expect(issues).toContain("role");
    expect(issues).not.toContain("wizard");
    await h.screenshot("console-dead-letter-edit-refused");

    const fixed = `${userId}@example.com`;
    await editor.fill(
      JSON.stringify({ userId, email: fixed, name: "Edited User", role: "customer" }, null, 2),
    );
    await page.click("#dlq-edit-replay");
    await page.waitForFunction(() =>
      document.querySelector("#dlq-result")?.textContent?.includes("recorded as edited by"),
    );
    expect(await page.textContent("#dlq-result")).toMatch(/replayed dead letter \d+ edited/);
    expect(await page.isHidden("#dlq-editor")).toBe(true);
    await row.waitFor({ state: "detached", timeout: 10_000 });
    expect(await welcomed(userId)).toMatchObject({ to: fixed });
    await h.screenshot("console-dead-letter-edited");
  });

  it("discards everything matching a filter, with a reason, as a job", async () => {
    const { page, t } = h;
    for (const n of [1, 2]) await deadLetter(t, `renderer crashed on template ${n}`);
    await filterBy({ error: "renderer crashed" });
    await page.waitForFunction(
      () => document.querySelectorAll("#dlq-table tr[data-dead-letter]").length === 2,
    );
    await page.fill("#dlq-reason", "");
    await page.click("#discard-matching");
    await page.waitForFunction(() =>
      document.querySelector("#dlq-result")?.textContent?.startsWith("say why"),
    );
    await page.fill("#dlq-reason", "the templates were rewritten; these welcomes are not resent");
    await page.click("#discard-matching");
    await page.waitForSelector('#dlq-job [data-job-kind="discard"][data-job-status="completed"]', {
      timeout: 20_000,
    });
    expect(await page.textContent("#dlq-job [data-job-counts]")).toMatch(/^2 matched · 2 discarded/);
    await page.waitForFunction(
      () => document.querySelectorAll("#dlq-table tr[data-dead-letter]").length === 0,
    );
    await filterBy({});
    await page.locator("#dlq-table tr[data-dead-letter]", { hasText: "SMTP relay timed out" }).waitFor();
  });
});
