import { users } from "@bazaar/contracts";
import { createTestClient, readEvents, type TestClient } from "@bazaar/service-kit/testing";
import { startTestNats, type TempDir, type TestNats, tempDir } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, signingKeys } from "./db/schema.js";
import { startUsers } from "./test-support/start-users.js";
import { productionJwk } from "./test-support/tokens.js";

let nats: TestNats;
let caller: TestClient;
let jwk: { json: string; kid: string };
const dirs: TempDir[] = [];

beforeAll(async () => {
  nats = await startTestNats();
  caller = await createTestClient(nats.url);
  jwk = await productionJwk();
});

afterAll(async () => {
  await caller?.close();
  await nats?.dispose();
  for (const d of dirs) d.dispose();
});

/** Starts the service on a fresh data folder (kept for inspection); it should refuse. */
async function refusal(env: Record<string, string>): Promise<{ error: unknown; dataDir: string }> {
  const data = tempDir("bazaar-users-refused-");
  dirs.push(data);
  const error = await startUsers({ natsUrl: nats.url, dataDir: data.path, env }).then(
    async (svc) => {
      await svc.stop();
      return undefined;
    },
    (err: unknown) => err,
  );
  return { error, dataDir: data.path };
}

const strong = { ADMIN_PASSWORD: "prod-admin-password", CUSTOMER_PASSWORD: "prod-customer-password" };

describe("production", () => {
  it("refuses to start with the development passwords, before seeding or storing a key", async () => {
    const { error, dataDir } = await refusal({
      NODE_ENV: "production",
      SEED: "true",
      JWT_PRIVATE_JWK: jwk.json,
      ADMIN_EMAIL: "prod-admin@example.com",
    });
    expect(error).toMatchObject({ name: "ConfigError", variables: ["ADMIN_PASSWORD", "CUSTOMER_PASSWORD"] });
    expect((error as Error).message).toMatch(/ADMIN_PASSWORD: must be set in production/);
    expect((error as Error).message).not.toContain("bazaar-admin-dev");

    const events = await readEvents(caller.nc, users.userRegistered);
    expect(events.filter((e) => e.data.email === "prod-admin@example.com")).toEqual([]);
    // Back in test mode on the same file: no account, and only the key this start generates.
    const svc = await startUsers({ natsUrl: nats.url, dataDir, env: { SEED: "false" } });
    try {
      expect(await svc.runtime.db.$count(accounts)).toBe(0);
      expect(await svc.runtime.db.$count(signingKeys)).toBe(1);
    } finally {
      await svc.stopKeepingData();
    }
  });

  it("refuses one development password as well as both", async () => {
    const { error } = await refusal({
      NODE_ENV: "production",
      JWT_PRIVATE_JWK: jwk.json,
      ADMIN_PASSWORD: strong.ADMIN_PASSWORD,
    });
    expect(error).toMatchObject({ name: "ConfigError", variables: ["CUSTOMER_PASSWORD"] });
  });

  it("refuses to start without JWT_PRIVATE_JWK", async () => {
    const { error } = await refusal({ NODE_ENV: "production", ...strong });
    expect(error).toMatchObject({ name: "ConfigError", variables: ["JWT_PRIVATE_JWK"] });
    expect((error as Error).message).toMatch(/JWT_PRIVATE_JWK: is required in production/);
  });

  it("refuses a JWT_PRIVATE_JWK whose public half does not match its private half", async () => {
    const other = JSON.parse((await productionJwk()).json) as { x: string };
    const mismatched = JSON.stringify({ ...JSON.parse(jwk.json), x: other.x });
    const { error } = await refusal({ NODE_ENV: "production", ...strong, JWT_PRIVATE_JWK: mismatched });
    expect(error).toMatchObject({ name: "ConfigError", variables: ["JWT_PRIVATE_JWK"] });
    expect((error as Error).message).not.toContain(other.x);
  });
});

describe("any mode", () => {
  it("rejects a malformed JWT_PRIVATE_JWK without echoing it", async () => {
    const { d: _secret, ...publicOnly } = JSON.parse(jwk.json) as Record<string, string>;
    for (const value of [
      "not json",
      JSON.stringify(publicOnly),
      JSON.stringify({ ...publicOnly, d: "", kty: "EC" }),
    ]) {
      const { error } = await refusal({ JWT_PRIVATE_JWK: value });
      expect(error).toMatchObject({ name: "ConfigError", variables: ["JWT_PRIVATE_JWK"] });
      expect((error as Error).message).not.toContain(publicOnly.x);
    }
  });

  it("holds seeded passwords and emails to the registration rules", async () => {
    expect((await refusal({ ADMIN_PASSWORD: "too-short" })).error).toMatchObject({
      name: "ConfigError",
      variables: ["ADMIN_PASSWORD"],
    });
    expect((await refusal({ CUSTOMER_EMAIL: "not-an-email" })).error).toMatchObject({
      name: "ConfigError",
      variables: ["CUSTOMER_EMAIL"],
    });
  });
});
