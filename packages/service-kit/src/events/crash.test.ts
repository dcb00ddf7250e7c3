import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestNats, type TestNats } from "@bazaar/testing";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { balance, balanceService, ledgerService } from "../fixtures/ledger-services.js";
import { spawnTs } from "../fixtures/spawn.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";

let nats: TestNats;
let ledger: TestService;
const dataDir = mkdtempSync(join(tmpdir(), "bazaar-crash-"));

beforeAll(async () => {
  nats = await startTestNats();
  ledger = await startTestService(ledgerService, { natsUrl: nats.url });
});

afterAll(async () => {
  await ledger?.stop();
  await nats?.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a consumer killed between commit and ack", () => {
  it("gets the event redelivered and applies it once", async () => {
    const env = {
      NATS_URL: nats.url,
      DATA_DIR: dataDir,
      PORT: "0",
      CONSUMER_ACK_WAIT_MS: "1000",
      LOG_LEVEL: "info",
    };
    const proc = spawnTs("src/fixtures/balance-main.ts", { ...env, CRASH_ON_ENTRY: "crash-1" });
    await proc.started;
    await fetch(`${ledger.url}/entries`, {
      method: "POST",
      body: JSON.stringify({ entryId: "crash-1", amount: 42 }),
      headers: { "content-type": "application/json" },
    });
    const { signal } = await proc.exited;
    expect(signal).toBe("SIGKILL");
    expect(proc.output()).toContain("entry applied");

    // The effect committed before the crash.
    const db = new Database(join(dataDir, "balance.db"), { readonly: true });
    expect(db.prepare("SELECT total, count FROM balance").get()).toEqual({ total: 42, count: 1 });
    db.close();

    // The same service comes back on the same file; JetStream redelivers the unacknowledged event.
    const restarted = await startTestService(balanceService, {
      natsUrl: nats.url,
      dataDir,
      env: { CONSUMER_ACK_WAIT_MS: "1000" },
    });
    try {
      const duplicates = async (): Promise<string | undefined> =>
        (await (await fetch(`${restarted.url}/metrics`)).text())
          .split("\n")
          .find((l) => l.startsWith("bazaar_consumer_duplicates_total{"));
      await vi.waitFor(async () => expect(await duplicates()).toMatch(/ 1$/), {
        timeout: 15_000,
        interval: 100,
      });
      expect(restarted.runtime.db.select().from(balance).get()).toEqual({ id: 1, total: 42, count: 1 });
    } finally {
      await restarted.stopKeepingData();
    }
  });
});
