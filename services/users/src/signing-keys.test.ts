import { users } from "@bazaar/contracts";
import { createTestClient, type TestClient } from "@bazaar/service-kit/testing";
import { startTestNats, type TempDir, type TestNats, tempDir } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signingKeys } from "./db/schema.js";
import { startUsers } from "./test-support/start-users.js";
import { productionJwk, verifyWithJwks } from "./test-support/tokens.js";

let nats: TestNats;
let caller: TestClient;
const dirs: TempDir[] = [];
const dir = (prefix: string): TempDir => {
  const made = tempDir(prefix);
  dirs.push(made);
  return made;
};

beforeAll(async () => {
  nats = await startTestNats();
  caller = await createTestClient(nats.url);
});

afterAll(async () => {
  await caller?.close();
  await nats?.dispose();
  for (const d of dirs) d.dispose();
});

// Each test runs its own instance on its own data folder, one at a time: two users instances on one broker
// would share the RPC queue group, and a call could reach either database.
const credentials = { email: "kim@example.com", password: "kims-password-1" };
const production = (jwk: string) => ({
  NODE_ENV: "production",
  JWT_PRIVATE_JWK: jwk,
  ADMIN_PASSWORD: "prod-admin-password",
  CUSTOMER_PASSWORD: "prod-customer-password",
});

describe("development key", () => {
  it("is generated once and kept in SQLite: a token from before a restart verifies after it", async () => {
    const data = dir("bazaar-users-keys-");
    const before = await startUsers({ natsUrl: nats.url, dataDir: data.path });
    let token: string;
    let kid: string | undefined;
    try {
      await caller.client.call(users.register, { ...credentials, name: "Kim" });
      token = (await caller.client.call(users.login, credentials)).accessToken;
      kid = (await verifyWithJwks(caller.client, token)).protectedHeader.kid;
      const stored = before.runtime.db.select().from(signingKeys).all();
      expect(stored).toEqual([
        expect.objectContaining({ kid, status: "active", privateJwk: expect.any(String) }),
      ]);
    } finally {
      await before.stopKeepingData();
    }

    const after = await startUsers({ natsUrl: nats.url, dataDir: data.path });
    try {
      const { payload, protectedHeader } = await verifyWithJwks(caller.client, token);
      expect(protectedHeader.kid).toBe(kid);
      expect(payload.email).toBe(credentials.email);
      const again = (await caller.client.call(users.login, credentials)).accessToken;
      expect((await verifyWithJwks(caller.client, again)).protectedHeader.kid).toBe(kid);
      expect(after.runtime.db.select().from(signingKeys).all()).toHaveLength(1);
    } finally {
      await after.stopKeepingData();
    }
  });
});

describe("configured key outside production", () => {
  it("is used when set; dropping it generates a key and keeps the configured one published", async () => {
    const data = dir("bazaar-users-dev-config-");
    const configured = await productionJwk();
    const one = await startUsers({
      natsUrl: nats.url,
      dataDir: data.path,
      env: { JWT_PRIVATE_JWK: configured.json },
    });
    let token: string;
    try {
      await caller.client.call(users.register, { ...credentials, name: "Kim" });
      token = (await caller.client.call(users.login, credentials)).accessToken;
      expect((await verifyWithJwks(caller.client, token)).protectedHeader.kid).toBe(configured.kid);
    } finally {
      await one.stopKeepingData();
    }
    const two = await startUsers({ natsUrl: nats.url, dataDir: data.path });
    try {
      const kids = (await caller.client.call(users.jwks, {})).keys.map((k) => k.kid);
      expect(kids).toHaveLength(2);
      expect(kids[0]).toBe(configured.kid);
      expect((await verifyWithJwks(caller.client, token)).protectedHeader.kid).toBe(configured.kid);
      const fresh = (await caller.client.call(users.login, credentials)).accessToken;
      expect((await verifyWithJwks(caller.client, fresh)).protectedHeader.kid).toBe(kids[1]);
    } finally {
      await two.stopKeepingData();
    }
  });
});

describe("production key", () => {
  it("signs with JWT_PRIVATE_JWK, stores only its public half, and keeps a rotated-out key published", async () => {
    const data = dir("bazaar-users-prod-keys-");
    const first = await productionJwk();
    const second = await productionJwk();

    const before = await startUsers({
      natsUrl: nats.url,
      dataDir: data.path,
      env: production(first.json),
    });
    let oldToken: string;
    try {
      await caller.client.call(users.register, { ...credentials, name: "Kim" });
      oldToken = (await caller.client.call(users.login, credentials)).accessToken;
      expect((await verifyWithJwks(caller.client, oldToken)).protectedHeader.kid).toBe(first.kid);
      expect(before.runtime.db.select().from(signingKeys).all()).toEqual([
        expect.objectContaining({ kid: first.kid, status: "active", privateJwk: null }),
      ]);
    } finally {
      await before.stopKeepingData();
    }

    // Rotation: the operator deploys a new key with a new kid.
    const after = await startUsers({
      natsUrl: nats.url,
      dataDir: data.path,
      env: production(second.json),
    });
    try {
      const set = await caller.client.call(users.jwks, {});
      expect(set.keys.map((k) => k.kid)).toEqual([first.kid, second.kid]);
      expect((await verifyWithJwks(caller.client, oldToken)).payload.email).toBe(credentials.email);
      const newToken = (await caller.client.call(users.login, credentials)).accessToken;
      expect((await verifyWithJwks(caller.client, newToken)).protectedHeader.kid).toBe(second.kid);
      expect(after.runtime.db.select().from(signingKeys).all()).toEqual([
        expect.objectContaining({ kid: first.kid, status: "retired", retiredAt: expect.any(String) }),
        expect.objectContaining({ kid: second.kid, status: "active" }),
      ]);
    } finally {
      await after.stopKeepingData();
    }
  });

  it("stops publishing a retired key once every token it signed has expired", async () => {
    const data = dir("bazaar-users-prod-expiry-");
    const first = await productionJwk();
    const second = await productionJwk();
    const one = await startUsers({
      natsUrl: nats.url,
      dataDir: data.path,
      env: production(first.json),
    });
    await one.stopKeepingData();
    const two = await startUsers({
      natsUrl: nats.url,
      dataDir: data.path,
      env: production(second.json),
    });
    try {
      // Retired 900 s (the token lifetime) plus the minute of skew ago: no token of it is still valid.
      two.runtime.db
        .update(signingKeys)
        .set({ retiredAt: new Date(Date.now() - 961_000).toISOString() })
        .run();
      expect((await caller.client.call(users.jwks, {})).keys.map((k) => k.kid)).toEqual([second.kid]);
    } finally {
      await two.stopKeepingData();
    }
  });
});
