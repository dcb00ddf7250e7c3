import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Problem } from "./http/problem-schema.js";
import { startSystem, type TestSystem } from "./test-support/system.js";

let sys: TestSystem;

beforeAll(async () => {
  // Sessions involve users only.
  sys = await startSystem({ services: ["users"] });
});

afterAll(async () => {
  await sys?.dispose();
});

const TokenPair = v.strictObject({
  accessToken: v.string(),
  tokenType: v.literal("Bearer"),
  expiresIn: v.literal(900),
  refreshToken: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/)),
  refreshExpiresIn: v.literal(7 * 24 * 60 * 60),
});
type TokenPair = v.InferOutput<typeof TokenPair>;

/** A new customer signed in through the gateway, as the console does it. */
async function signIn(): Promise<TokenPair & { userId: string }> {
  const { email, userId } = await sys.newCustomer("Session");
  const res = await sys.api.post("/api/auth/login", { email, password: "a-long-password" });
  expect(res.status, res.text).toBe(200);
  return { ...v.parse(TokenPair, res.body), userId };
}

const refresh = (refreshToken: unknown) => sys.api.post("/api/auth/refresh", { refreshToken });
const logout = (refreshToken: unknown) => sys.api.post("/api/auth/logout", { refreshToken });
const me = (token: string) => sys.api.get("/api/me", { token });

/** A refused refresh: the closed 401, with one reason for every cause. */
function expectRefused(res: { status: number; body: unknown; headers: Headers }) {
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(v.parse(Problem, res.body)).toMatchObject({ code: "UNAUTHORIZED", reason: "INVALID_REFRESH_TOKEN" });
}

/** The few better-sqlite3 calls used here (drizzle's `$client`, which the kit's `Db` type leaves out). */
interface SqliteClient {
  prepare(statement: string): { run(...params: string[]): unknown };
}

/**
 * `usersSql` writes to the users service's own SQLite, for what no API does (expiring a token now,
 * deleting an account, promoting one).
 */
const usersSql = (statement: string, ...params: string[]) =>
  (sys.service("users").runtime.db as unknown as { $client: SqliteClient }).$client
    .prepare(statement)
    .run(...params);

describe("POST /api/auth/refresh", () => {
  it("rotates: a new access token that works and a new refresh token, never cached", async () => {
    const session = await signIn();
    const res = await refresh(session.refreshToken);
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const next = v.parse(TokenPair, res.body);
    expect(next.refreshToken).not.toBe(session.refreshToken);
    expect(next.accessToken).not.toBe(session.accessToken);
    const who = await me(next.accessToken);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ id: session.userId });
    // And the chain continues from the new token.
    expect((await refresh(next.refreshToken)).status).toBe(200);
  });

  it("answers a second use of a token with 401 and ends the session: the newest token is refused too", async () => {
    const session = await signIn();
    const next = v.parse(TokenPair, (await refresh(session.refreshToken)).body);
    expectRefused(await refresh(session.refreshToken));
    expectRefused(await refresh(next.refreshToken));
    // Another session of the same account is untouched.
    const { email } = v.parse(v.object({ email: v.string() }), (await me(next.accessToken)).body);
    const other = await sys.api.post("/api/auth/login", { email, password: "a-long-password" });
    expect((await refresh(v.parse(TokenPair, other.body).refreshToken)).status).toBe(200);
  });

  it("refuses an expired token, an unknown one and a deleted account's alike", async () => {
    const expired = await signIn();
    usersSql(
      "UPDATE refresh_tokens SET expires_at = ? WHERE user_id = ?",
      "2000-01-01T00:00:00.000Z",
      expired.userId,
    );
    expectRefused(await refresh(expired.refreshToken));

    expectRefused(await refresh("Q".repeat(43)));

    const gone = await signIn();
    usersSql("DELETE FROM users WHERE id = ?", gone.userId);
    expectRefused(await refresh(gone.refreshToken));
  });

  it("gives the account's current role: a promotion is in the next access token", async () => {
    const session = await signIn();
    expect((await sys.api.get("/api/admin/sagas", { token: session.accessToken })).status).toBe(403);
    usersSql("UPDATE users SET role = 'admin' WHERE id = ?", session.userId);
    const next = v.parse(TokenPair, (await refresh(session.refreshToken)).body);
    expect((await me(next.accessToken)).body).toMatchObject({ role: "admin" });
  });
});

describe("POST /api/auth/logout", () => {
  it("ends the session (204, no body): its refresh tokens stop working; again is 204 too", async () => {
    const session = await signIn();
    const next = v.parse(TokenPair, (await refresh(session.refreshToken)).body);
    const res = await logout(next.refreshToken);
    expect([res.status, res.text]).toEqual([204, ""]);
    expectRefused(await refresh(next.refreshToken));
    expect((await logout(next.refreshToken)).status).toBe(204);
    expect((await logout("R".repeat(43))).status).toBe(204);
  });
});

describe("bad input", () => {
  const secret = "Sup3r-Secret-Value-That-Must-Not-Echo";

  it.each(["/api/auth/refresh", "/api/auth/logout"])(
    "%s refuses garbage with 400, never repeating it",
    async (path) => {
      for (const body of [
        { refreshToken: secret },
        // 43 characters, but standard base64 rather than base64url.
        { refreshToken: `${secret}+/+/+/` },
        { refreshToken: 12345 },
        { refreshToken: [secret] },
        { refreshToken: null },
        {},
        [secret],
        secret,
      ]) {
        const res = await sys.api.post(path, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(v.parse(Problem, res.body).code).toBe("BAD_REQUEST");
        expect(res.text).not.toContain(secret);
      }
      const malformed = await sys.api.post(path, `{"refreshToken": "${secret}`);
      expect(malformed.status).toBe(400);
      expect(malformed.text).not.toContain(secret);
      const plain = await sys.api.post(path, secret, { headers: { "content-type": "text/plain" } });
      expect(plain.status).toBe(415);
      expect(plain.text).not.toContain(secret);
    },
  );
});

describe("rate limits", () => {
  let limited: TestSystem;

  beforeAll(async () => {
    limited = await startSystem({ services: ["users"], gatewayEnv: { RATE_LIMIT_AUTH: "3" } });
  });

  afterAll(async () => {
    await limited?.dispose();
  });

  it("counts refresh and logout against the per-IP /api/auth limit, as login", async () => {
    const statuses: number[] = [];
    for (const path of ["/api/auth/refresh", "/api/auth/refresh", "/api/auth/logout", "/api/auth/refresh"])
      statuses.push((await limited.api.post(path, { refreshToken: "S".repeat(43) })).status);
    expect(statuses).toEqual([401, 401, 204, 429]);
    const refused = await limited.api.post("/api/auth/refresh", { refreshToken: "S".repeat(43) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(v.parse(Problem, refused.body).code).toBe("RATE_LIMITED");
  });
});
