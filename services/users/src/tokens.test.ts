import { users } from "@bazaar/contracts";
import type { RpcClient } from "@bazaar/service-kit/platform";
import {
  type CapturedLogs,
  captureLogs,
  createTestClient,
  readEvents,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { eq } from "drizzle-orm";
import { createLocalJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts } from "./db/schema.js";
import { waitForOutbox } from "./test-support/outbox.js";
import { startUsers } from "./test-support/start-users.js";
import { verifyWithJwks } from "./test-support/tokens.js";

let nats: TestNats;
let svc: TestService;
let caller: TestClient;
let client: RpcClient;
let logs: CapturedLogs;

beforeAll(async () => {
  nats = await startTestNats();
  logs = captureLogs();
  // Replies go out as handlers build them, as in production (the check below reads the raw bytes).
  svc = await startUsers({ natsUrl: nats.url, env: { SEED: "true", VALIDATE_RESPONSES: "false" }, logs });
  caller = await createTestClient(nats.url);
  client = caller.client;
});

afterAll(async () => {
  await caller?.close();
  await svc?.stop();
  await nats?.dispose();
});

const signUp = (email: string, password = "a-long-password") =>
  client.call(users.register, { email, password, name: email.split("@")[0] ?? "someone" });

describe("login", () => {
  it("issues an EdDSA access token that verifies against the JWK set", async () => {
    const ada = await signUp("ada@example.com", "correct horse battery");
    const token = await client.call(users.login, {
      email: "ADA@example.com",
      password: "correct horse battery",
    });
    expect(token).toEqual({
      accessToken: expect.any(String),
      tokenType: "Bearer",
      expiresIn: 900,
      user: ada,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      refreshExpiresIn: 7 * 24 * 60 * 60,
    });

    const { payload, protectedHeader } = await verifyWithJwks(client, token.accessToken);
    const { keys } = await client.call(users.jwks, {});
    expect(protectedHeader).toEqual({ alg: "EdDSA", kid: keys[0]?.kid, typ: "JWT" });
    expect(payload).toMatchObject({
      iss: "bazaar-users",
      aud: "bazaar-api",
      sub: ada.id,
      role: "customer",
      email: "ada@example.com",
    });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(900);
    // The verifier's checks bite: another audience is refused.
    await expect(
      jwtVerify(token.accessToken, createLocalJWKSet({ keys }), {
        audience: "elsewhere",
        algorithms: ["EdDSA"],
      }),
    ).rejects.toThrow();
  });

  it("gives the seeded admin an admin token", async () => {
    const token = await client.call(users.login, {
      email: "admin@bazaar.local",
      password: "bazaar-admin-dev",
    });
    const { payload } = await verifyWithJwks(client, token.accessToken);
    expect(payload).toMatchObject({ role: "admin", sub: token.user.id });
  });

  it("refuses a wrong password and an unknown email with the same UNAUTHORIZED", async () => {
    await signUp("bob@example.com", "bobs-real-password");
    const wrong = await client
      .call(users.login, { email: "bob@example.com", password: "not-bobs-password" })
      .catch((e: unknown) => e);
    const unknown = await client
      .call(users.login, { email: "nobody@example.com", password: "not-bobs-password" })
      .catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: "UNAUTHORIZED", message: "invalid email or password" });
    expect(unknown).toMatchObject({ code: "UNAUTHORIZED", message: "invalid email or password" });
    await expect(client.call(users.login, { email: "bob@example.com", password: "" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("takes about as long for an unknown email as for a wrong password", async () => {
    await signUp("carol@example.com", "carols-password");
    const time = async (email: string) => {
      const started = performance.now();
      await client.call(users.login, { email, password: "wrong-password" }).catch(() => undefined);
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time("carol@example.com"));
      unknown.push(await time(`ghost-${i}@example.com`));
    }
    // Without the dummy scrypt an unknown email answers in about a millisecond, some 50 times faster.
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.4);
  });
});

describe("jwks", () => {
  it("serves public Ed25519 keys only, with issuer and audience", async () => {
    const set = await client.call(users.jwks, {});
    expect(set).toEqual({
      issuer: "bazaar-users",
      audience: "bazaar-api",
      keys: [
        {
          kty: "OKP",
          crv: "Ed25519",
          alg: "EdDSA",
          use: "sig",
          x: expect.any(String),
          kid: expect.any(String),
        },
      ],
    });
    expect(JSON.stringify(set)).not.toMatch(/"d"/);
  });
});

describe("secrets", () => {
  it("never puts a password or its hash in logs, replies or events", async () => {
    const password = "Zebra-Quartz-Password-417";
    // Raw requests: the typed client would drop unknown fields from a reply and hide a leak.
    const raw = async (subject: string, body: unknown): Promise<string> =>
      new TextDecoder().decode(
        (await caller.nc.request(subject, JSON.stringify(body), { timeout: 5000 })).data,
      );
    const replies: string[] = [];
    replies.push(await raw(users.register.subject, { email: "dave@example.com", password, name: "Dave" }));
    const dave = JSON.parse(replies[0] ?? "{}") as users.User;
    replies.push(await raw(users.login.subject, { email: "dave@example.com", password }));
    replies.push(
      await raw(users.login.subject, { email: "dave@example.com", password: "Wrong-Quartz-Password-417" }),
    );
    replies.push(await raw(users.register.subject, { email: "dave@example.com", password, name: "Dave" }));
    replies.push(await raw(users.getUser.subject, { userId: dave.id }));
    for await (const chunk of client.stream(users.listUsers, {})) replies.push(JSON.stringify(chunk));
    await waitForOutbox(svc);
    const events = await readEvents(caller.nc, users.userRegistered);

    const hash =
      svc.runtime.db.select().from(accounts).where(eq(accounts.id, dave.id)).get()?.passwordHash ?? "";
    const [, , , , salt, derived] = hash.split("$");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    const logText = JSON.stringify(logs.lines());
    expect(logText).toContain(dave.id); // the logs did capture this user's requests
    expect(replies.join()).toContain('"accessToken"'); // and the replies are the real ones
    for (const text of [logText, replies.join("\n"), JSON.stringify(events)]) {
      for (const secret of [password, "Wrong-Quartz", salt, derived, "scrypt$", "passwordHash"])
        expect(text).not.toContain(secret);
    }
  });
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
