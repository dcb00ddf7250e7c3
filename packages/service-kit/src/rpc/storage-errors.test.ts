import { startTestNats, type TestNats } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { greet, service as greeter } from "../example/greeter.js";
import { startTestService, type TestService } from "../testing/start-test-service.js";
import { createTestClient, type TestClient } from "../testing/test-client.js";

let nats: TestNats;
let svc: TestService;
let caller: TestClient;

beforeAll(async () => {
  nats = await startTestNats();
  svc = await startTestService(greeter, { natsUrl: nats.url });
  caller = await createTestClient(nats.url);
});

afterAll(async () => {
  await caller?.close();
  await svc?.stop();
  await nats?.dispose();
});

describe("a request that fails on the service's own storage", () => {
  it("is UNAVAILABLE (retry), not INTERNAL, and succeeds once the storage is back", async () => {
    const sqlite = svc.runtime.store?.sqlite;
    if (!sqlite) throw new Error("greeter has a store");
    // The file cannot grow: the next insert fails with SQLITE_FULL, as on a full disk.
    const pages = sqlite.pragma("page_count", { simple: true }) as number;
    sqlite.pragma(`max_page_count = ${pages}`);
    const names = Array.from({ length: 200 }, (_, i) => `storage-${i}-${"x".repeat(40)}`);
    let refused: unknown;
    for (const name of names) {
      try {
        await caller.client.call(greet, { name }, { idempotencyKey: `k-${name}` });
      } catch (err) {
        refused = err;
        break;
      }
    }
    expect(refused).toMatchObject({ code: "UNAVAILABLE", reason: "STORAGE_UNAVAILABLE" });
    expect((refused as Error).message).not.toMatch(/storage-/);
    sqlite.pragma("max_page_count = 1073741823");
    expect(await caller.client.call(greet, { name: "after" }, { idempotencyKey: "k-after" })).toMatchObject({
      greeting: "Hello, after!",
    });
  });
});
