import { users } from "@bazaar/contracts";
import type { RpcClient } from "@bazaar/service-kit/platform";
import {
  type CapturedLogs,
  captureLogs,
  createTestClient,
  type TestClient,
  type TestService,
} from "@bazaar/service-kit/testing";
import { startTestNats, type TestNats } from "@bazaar/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accounts, refreshTokens } from "./db/schema.js";
import type { UsersTx } from "./declaration.js";
import { hashRefreshToken } from "./refresh-token.js";
import { rotateSession, startSession } from "./sessions.js";
import { startUsers } from "./test-support/start-users.js";
import { verifyWithJwks } from "./test-support/tokens.js";

let nats: TestNats;
let svc: TestService;
let caller: TestClient;
let client: RpcClient;
let logs: CapturedLogs;
let accountsMade = 0;

beforeAll(async () => {
  nats = await startTestNats();
  logs = captureLogs();
  svc = await startUsers({ natsUrl: nats.url, logs });
  caller = await createTestClient(nats.url);
  client = caller.client;
});

afterAll(async () => {
  await caller?.close();
  await svc?.stop();
  await nats?.dispose();
});

const PASSWORD = "a-long-password";

/** A fresh account and one login (one session) for it. */
async function signedIn() {
  const email = `session-${++accountsMade}@example.com`;
  const user = await client.call(users.register, { email, password: PASSWORD, name: "Session" });
  return { user, email, session: await client.call(users.login, { email, password: PASSWORD }) };
}

const refreshWith = (refreshToken: string) => client.call(users.refresh, { refreshToken });
const refusal = (refreshToken: string) => refreshWith(refreshToken).catch((e: unknown) => e);
const rowsOfUser = (userId: string) =>
  svc.runtime.db.select().from(refreshTokens).where(eq(refreshTokens.userId, userId)).all();

/** The running service's database, typed by its own schema (the kit's runtime is schema-agnostic). */
const usersDb = () => svc.runtime.db as unknown as UsersTx;

const INVALID = {
  code: "UNAUTHORIZED",
  reason: "INVALID_REFRESH_TOKEN",
  message: "the refresh token is not valid",
};

describe("login", () => {
  it("starts a session: a 256-bit refresh token, stored only as its SHA-256", async () => {
    const { user, session } = await signedIn();
    expect(session).toMatchObject({ tokenType: "Bearer", expiresIn: 900, refreshExpiresIn: 7 * 24 * 3600 });
    expect(session.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(session.refreshToken, "base64url")).toHaveLength(32);

    const rows = rowsOfUser(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      tokenHash: hashRefreshToken(session.refreshToken),
      rotatedAt: null,
      revokedAt: null,
    });
    expect(rows[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(session.refreshToken);
  });

  it("gives each login its own family, so one session ending leaves the others", async () => {
    const { user, email, session } = await signedIn();
    const other = await client.call(users.login, { email, password: PASSWORD });
    expect(other.refreshToken).not.toBe(session.refreshToken);
    const families = new Set(rowsOfUser(user.id).map((r) => r.familyId));
    expect(families.size).toBe(2);
    await client.call(users.logout, { refreshToken: session.refreshToken });
    await expect(refreshWith(other.refreshToken)).resolves.toMatchObject({ user: { id: user.id } });
  });
});

describe("refresh", () => {
  it("rotates: a new access token for the same user and a new refresh token; the old one is spent", async () => {
    const { user, session } = await signedIn();
    const next = await refreshWith(session.refreshToken);
    expect(next).toMatchObject({ tokenType: "Bearer", expiresIn: 900, user });
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.accessToken).not.toBe(session.accessToken);
    const { payload } = await verifyWithJwks(client, next.accessToken);
    expect(payload).toMatchObject({ sub: user.id, role: "customer" });

    const rows = rowsOfUser(user.id);
    expect(rows).toHaveLength(2);
    const old = rows.find((r) => r.tokenHash === hashRefreshToken(session.refreshToken));
    const fresh = rows.find((r) => r.tokenHash === hashRefreshToken(next.refreshToken));
    expect(old?.rotatedAt).not.toBeNull();
    expect(fresh).toMatchObject({ familyId: old?.familyId, rotatedAt: null, revokedAt: null });
    // The chain goes on.
    await expect(refreshWith(next.refreshToken)).resolves.toMatchObject({ user: { id: user.id } });
  });

  it("treats a rotated token used again as theft: the whole family is revoked, the newest token too", async () => {
    const { user, session } = await signedIn();
    const second = await refreshWith(session.refreshToken);
    const third = await refreshWith(second.refreshToken);

    expect(await refusal(second.refreshToken)).toMatchObject(INVALID);
    expect(await refusal(third.refreshToken)).toMatchObject(INVALID);
    expect(await refusal(session.refreshToken)).toMatchObject(INVALID);
    expect(rowsOfUser(user.id).every((r) => r.revokedAt !== null)).toBe(true);
    const warned = logs
      .lines()
      .find((l) => l.msg === "refresh token used again after rotation: the session is revoked");
    expect(warned).toMatchObject({ refusal: "reused", userId: user.id, level: 40 });
  });

  it("lets one of two simultaneous refreshes with the same token win; the other counts as reuse", async () => {
    const { session } = await signedIn();
    const results = await Promise.allSettled([
      refreshWith(session.refreshToken),
      refreshWith(session.refreshToken),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    expect(won).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: INVALID });
    const winner = won[0];
    if (winner?.status !== "fulfilled") throw new Error("no refresh won");
    // Strict on purpose: the client that raced itself signs in again, rather than a thief keeping a session.
    expect(await refusal(winner.value.refreshToken)).toMatchObject(INVALID);
  });

  it("refuses an expired token (and leaves its family alone: expiry is not theft)", async () => {
    const { user, session } = await signedIn();
    svc.runtime.db
      .update(refreshTokens)
      .set({ expiresAt: new Date(Date.now() - 1000).toISOString() })
      .where(eq(refreshTokens.tokenHash, hashRefreshToken(session.refreshToken)))
      .run();
    expect(await refusal(session.refreshToken)).toMatchObject(INVALID);
    expect(rowsOfUser(user.id).map((r) => r.revokedAt)).toEqual([null]);
  });

  it("refuses an unknown token with the very same answer", async () => {
    expect(await refusal("A".repeat(43))).toMatchObject(INVALID);
  });

  it("re-reads the account: a role change is in the next access token", async () => {
    const { user, session } = await signedIn();
    svc.runtime.db.update(accounts).set({ role: "admin" }).where(eq(accounts.id, user.id)).run();
    const next = await refreshWith(session.refreshToken);
    expect(next.user.role).toBe("admin");
    expect((await verifyWithJwks(client, next.accessToken)).payload).toMatchObject({ role: "admin" });
  });

  it("refuses once the account is deleted, and revokes the session", async () => {
    const { user, session } = await signedIn();
    svc.runtime.db.delete(accounts).where(eq(accounts.id, user.id)).run();
    expect(await refusal(session.refreshToken)).toMatchObject(INVALID);
    expect(rowsOfUser(user.id).map((r) => r.revokedAt !== null)).toEqual([true]);
  });

  it.each([
    ["too short", { refreshToken: "abc" }],
    ["not base64url", { refreshToken: `${"a".repeat(42)}=` }],
    ["too long", { refreshToken: "b".repeat(44) }],
    ["a number", { refreshToken: 12345 }],
    ["missing", {}],
  ])("refuses a token that is %s as BAD_REQUEST, without repeating it", async (_case, body) => {
    const raw = new TextDecoder().decode(
      (await caller.nc.request(users.refresh.subject, JSON.stringify(body), { timeout: 5000 })).data,
    );
    expect(JSON.parse(raw)).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "refreshToken" }] });
    if ("refreshToken" in body) expect(raw).not.toContain(String(body.refreshToken));
  });
});

describe("logout", () => {
  it("revokes the family: neither the token nor its successors refresh any more", async () => {
    const { user, session } = await signedIn();
    const next = await refreshWith(session.refreshToken);
    await expect(client.call(users.logout, { refreshToken: next.refreshToken })).resolves.toEqual({
      revoked: true,
    });
    expect(await refusal(next.refreshToken)).toMatchObject(INVALID);
    expect(rowsOfUser(user.id).every((r) => r.revokedAt !== null)).toBe(true);
  });

  it("is idempotent: again, with an older token of the family, or an unknown token, it changes nothing", async () => {
    const { session } = await signedIn();
    await client.call(users.logout, { refreshToken: session.refreshToken });
    await expect(client.call(users.logout, { refreshToken: session.refreshToken })).resolves.toEqual({
      revoked: false,
    });
    await expect(client.call(users.logout, { refreshToken: "Z".repeat(43) })).resolves.toEqual({
      revoked: false,
    });
    await expect(client.call(users.logout, { refreshToken: "nope" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });
});

describe("lifetimes", () => {
  const config = { REFRESH_TOKEN_TTL_SECONDS: 3600, SESSION_MAX_AGE_SECONDS: 5400 };

  it("slides each token's lifetime but never past the session's end, then refuses", () => {
    const db = usersDb();
    const t0 = new Date("2030-01-01T00:00:00.000Z");
    const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
    const first = startSession(db, config, "u-lifetimes", t0);
    expect(first.refreshExpiresIn).toBe(3600);
    const load = () => ({ id: "u-lifetimes" });

    const second = rotateSession(db, config, first.refreshToken, load, at(50));
    if (!second.ok) throw new Error(`refused: ${second.refusal}`);
    // 50 min in: a full hour would end at 110 min, past the session's 90.
    expect(second.next.refreshExpiresIn).toBe(40 * 60);
    expect(rotateSession(db, config, second.next.refreshToken, load, at(90))).toMatchObject({
      ok: false,
      refusal: "expired",
    });
  });

  it("removes expired rows as new sessions start", () => {
    const db = usersDb();
    const old = startSession(db, config, "u-prune", new Date("2001-01-01T00:00:00.000Z"));
    const hash = hashRefreshToken(old.refreshToken);
    const present = () =>
      db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, hash)).all().length;
    expect(present()).toBe(1);
    startSession(db, config, "u-prune");
    expect(present()).toBe(0);
  });
});

describe("secrets", () => {
  it("never logs a refresh token", async () => {
    const { session } = await signedIn();
    const next = await refreshWith(session.refreshToken);
    await refusal(session.refreshToken);
    await client.call(users.logout, { refreshToken: next.refreshToken });
    const text = JSON.stringify(logs.lines());
    expect(text).toContain("refresh refused"); // the logs did capture these requests
    for (const token of [session.refreshToken, next.refreshToken]) expect(text).not.toContain(token);
  });
});
