import { users } from "@bazaar/contracts";
import { createTestClient, readEvents, type TestClient } from "@bazaar/service-kit/testing";
import { startTestNats, type TempDir, type TestNats, tempDir } from "@bazaar/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts } from "./db/schema.js";
import { seedUsers } from "./seed.js";
import { waitForOutbox } from "./test-support/outbox.js";
import { startUsers } from "./test-support/start-users.js";

let nats: TestNats;
let caller: TestClient;
let data: TempDir;

beforeAll(async () => {
  nats = await startTestNats();
  caller = await createTestClient(nats.url);
  data = tempDir("bazaar-users-seed-");
});

afterAll(async () => {
  await caller?.close();
  await nats?.dispose();
  data?.dispose();
});

const env = {
  SEED: "true",
  ADMIN_EMAIL: "Root@Example.com",
  ADMIN_PASSWORD: "root-password-1",
  CUSTOMER_EMAIL: "demo@example.com",
  CUSTOMER_PASSWORD: "demo-password-1",
};

describe("seed", () => {
  it("creates the admin and the demo customer once, each with one user.registered, across restarts", async () => {
    const first = await startUsers({ natsUrl: nats.url, dataDir: data.path, env });
    try {
      // Running the seed again adds nothing.
      const again = await seedUsers(
        first.runtime.transaction as never,
        first.runtime.config as never,
        first.runtime.log,
      );
      expect(again).toBe(0);
      await waitForOutbox(first);
    } finally {
      await first.stopKeepingData();
    }

    const second = await startUsers({ natsUrl: nats.url, dataDir: data.path, env });
    try {
      for (const [email, role] of [
        ["root@example.com", "admin"],
        ["demo@example.com", "customer"],
      ] as const) {
        const rows = second.runtime.db.select().from(accounts).where(eq(accounts.email, email)).all();
        expect(rows.map((r) => r.role)).toEqual([role]);
        const events = (await readEvents(caller.nc, users.userRegistered)).filter(
          (e) => e.data.email === email,
        );
        expect(events.map((e) => e.data)).toEqual([
          { userId: rows[0]?.id, email, name: expect.any(String), role },
        ]);
      }
      // The seeded credentials work, and the admin's token says so.
      const admin = await caller.client.call(users.login, {
        email: "root@example.com",
        password: "root-password-1",
      });
      expect(admin.user.role).toBe("admin");
      await expect(
        caller.client.call(users.login, { email: "demo@example.com", password: "demo-password-1" }),
      ).resolves.toMatchObject({ user: { role: "customer" } });
    } finally {
      await second.stopKeepingData();
    }
  });

  it("seeds on SEED=auto in development only", async () => {
    const count = async (nodeEnv: string, email: string) => {
      const svc = await startUsers({
        natsUrl: nats.url,
        env: { NODE_ENV: nodeEnv, ADMIN_EMAIL: email },
      });
      try {
        return await svc.runtime.db.$count(accounts, eq(accounts.email, email));
      } finally {
        await svc.stop();
      }
    };
    expect(await count("test", "auto-test@example.com")).toBe(0);
    expect(await count("development", "auto-dev@example.com")).toBe(1);
  });
});
