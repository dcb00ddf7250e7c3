import { SignJWT } from "jose";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Problem } from "./http/problem-schema.js";
import { callCount } from "./test-support/metrics.js";
import { AUDIENCE, createSigningKey, ISSUER, signToken } from "./test-support/signing-key.js";
import { ADMIN, CUSTOMER, startSystem, type TestSystem } from "./test-support/system.js";

let sys: TestSystem;
let customer: { token: string; userId: string };

// Long enough that three requests in a row fit in one interval on a loaded machine.
const REFRESH_INTERVAL_MS = 2000;

beforeAll(async () => {
  sys = await startSystem({ gatewayEnv: { JWKS_REFRESH_MIN_INTERVAL_MS: String(REFRESH_INTERVAL_MS) } });
  customer = await sys.login(CUSTOMER);
});

afterAll(async () => {
  await sys?.dispose();
});

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Every refusal is a problem document with the closed code and the bearer challenge. */
async function expectUnauthorized(token: string | undefined, reason?: string, header?: string) {
  const res = await sys.api.get("/api/me", {
    ...(token === undefined ? {} : { token }),
    ...(header ? { headers: { authorization: header } } : {}),
  });
  expect(res.status).toBe(401);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.headers.get("www-authenticate")).toMatch(/^Bearer realm="bazaar"/);
  const problem = v.parse(Problem, res.body);
  expect(problem.code).toBe("UNAUTHORIZED");
  if (reason) expect(problem.reason).toBe(reason);
  return problem;
}

describe("register, login, me", () => {
  it("registers a customer (201), then refuses the same email (409)", async () => {
    const body = { email: "  New.Person@Bazaar.test ", password: "a-long-password", name: "New Person" };
    const created = await sys.api.post("/api/auth/register", body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      email: "new.person@bazaar.test",
      name: "New Person",
      role: "customer",
    });
    expect(created.body).not.toHaveProperty("password");
    const again = await sys.api.post("/api/auth/register", body);
    expect(again.status).toBe(409);
    expect(v.parse(Problem, again.body).code).toBe("CONFLICT");
  });

  it("needs an Idempotency-Key to register (400 naming it); a retry gets the account, not a 409", async () => {
    const body = { email: "retry.me@bazaar.test", password: "a-long-password", name: "Retry Me" };
    const missing = await sys.api.post("/api/auth/register", body, { idempotencyKey: false });
    expect(missing.status).toBe(400);
    expect(v.parse(Problem, missing.body)).toMatchObject({
      code: "BAD_REQUEST",
      reason: "IDEMPOTENCY_KEY_REQUIRED",
      detail: expect.stringContaining("Idempotency-Key"),
    });
    const created = await sys.api.post("/api/auth/register", body, { idempotencyKey: "register-retry-me" });
    expect(created.status, created.text).toBe(201);
    const retry = await sys.api.post("/api/auth/register", body, { idempotencyKey: "register-retry-me" });
    expect([retry.status, retry.body]).toEqual([201, created.body]);
    // The fingerprint covers the password: the key with another one is 422, and says nothing of the first.
    const other = await sys.api.post(
      "/api/auth/register",
      { ...body, password: "another-long-password" },
      { idempotencyKey: "register-retry-me" },
    );
    expect(other.status).toBe(422);
    expect(v.parse(Problem, other.body)).toMatchObject({ code: "UNPROCESSABLE" });
    expect(other.text).not.toContain(String(created.body.id));
  });

  it("answers a retry that arrives while the first registration runs with 409; one account", async () => {
    const body = { email: "twice.at.once@bazaar.test", password: "a-long-password", name: "Twice" };
    const [a, b] = await Promise.all([
      sys.api.post("/api/auth/register", body, { idempotencyKey: "register-at-once" }),
      sys.api.post("/api/auth/register", body, { idempotencyKey: "register-at-once" }),
    ]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    const conflict = a.status === 409 ? a : b;
    expect(v.parse(Problem, conflict.body)).toMatchObject({ reason: "IDEMPOTENCY_KEY_IN_FLIGHT" });
    const after = await sys.api.post("/api/auth/register", body, { idempotencyKey: "register-at-once" });
    expect(after.status).toBe(201);
  });

  it("logs in: 200 with the tokens only (no user record), never cached; a wrong password is 401", async () => {
    const res = await sys.api.post("/api/auth/login", CUSTOMER);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual([
      "accessToken",
      "expiresIn",
      "refreshExpiresIn",
      "refreshToken",
      "tokenType",
    ]);
    expect(res.body).toMatchObject({ tokenType: "Bearer", expiresIn: 900, refreshExpiresIn: 604800 });
    expect(res.headers.get("cache-control")).toBe("no-store");
    const me = await sys.api.get("/api/me", { token: String(res.body.accessToken) });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: CUSTOMER.email, role: "customer" });

    const wrong = await sys.api.post("/api/auth/login", { ...CUSTOMER, password: "not-the-password" });
    expect(wrong.status).toBe(401);
    expect(v.parse(Problem, wrong.body).code).toBe("UNAUTHORIZED");
  });

  it("GET /api/me answers the account the token names", async () => {
    const me = await sys.api.get("/api/me", { token: customer.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: customer.userId, email: CUSTOMER.email });
  });
});

describe("token abuse: every one is 401", () => {
  const claims = () => ({ sub: customer.userId, role: "admin" });

  it("accepts a well-formed token signed with users' key (the control: the forgeries below differ in one way)", async () => {
    const token = await signToken(sys.signingKey, claims());
    expect((await sys.api.get("/api/me", { token })).status).toBe(200);
    expect((await sys.api.get("/api/admin/sagas", { token })).status).toBe(200);
  });

  it("no token", async () => {
    await expectUnauthorized(undefined);
  });

  it("a scheme other than Bearer, and a malformed token", async () => {
    await expectUnauthorized(undefined, "INVALID_TOKEN", "Basic YWRtaW46YWRtaW4=");
    await expectUnauthorized("not-a-jwt", "INVALID_TOKEN");
    await expectUnauthorized("a.b.c", "INVALID_TOKEN");
  });

  it("alg: none", async () => {
    const now = Math.floor(Date.now() / 1000);
    const payload = { ...claims(), iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 };
    await expectUnauthorized(`${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`, "INVALID_TOKEN");
    await expectUnauthorized(
      `${b64({ alg: "none", typ: "JWT", kid: sys.signingKey.kid })}.${b64(payload)}.`,
      "INVALID_TOKEN",
    );
  });

  it("HS256 'signed' with the public key as the HMAC secret", async () => {
    const publicKeyBytes = Buffer.from(sys.signingKey.x, "base64url");
    for (const secret of [publicKeyBytes, new TextEncoder().encode(sys.signingKey.x)]) {
      const token = await new SignJWT(claims())
        .setProtectedHeader({ alg: "HS256", kid: sys.signingKey.kid, typ: "JWT" })
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime("10m")
        .sign(secret);
      await expectUnauthorized(token, "INVALID_TOKEN");
    }
  });

  it("expired (beyond the 30 s leeway), but a token just past exp is still inside the leeway", async () => {
    await expectUnauthorized(
      await signToken(sys.signingKey, { ...claims(), expiresIn: -120 }),
      "TOKEN_EXPIRED",
    );
    const withinLeeway = await signToken(sys.signingKey, { ...claims(), expiresIn: -5 });
    expect((await sys.api.get("/api/me", { token: withinLeeway })).status).toBe(200);
  });

  it("not yet valid (nbf beyond the leeway)", async () => {
    await expectUnauthorized(
      await signToken(sys.signingKey, { ...claims(), notBeforeIn: 300 }),
      "INVALID_CLAIMS",
    );
  });

  it("wrong issuer, wrong audience", async () => {
    const wrongIss = await expectUnauthorized(
      await signToken(sys.signingKey, { ...claims(), iss: "someone-else" }),
      "INVALID_CLAIMS",
    );
    expect(wrongIss.detail).toContain("iss");
    const wrongAud = await expectUnauthorized(
      await signToken(sys.signingKey, { ...claims(), aud: "another-api" }),
      "INVALID_CLAIMS",
    );
    expect(wrongAud.detail).toContain("aud");
  });

  it("signed by another key under users' kid, or naming an unknown role", async () => {
    const impostor = await createSigningKey(sys.signingKey.kid);
    await expectUnauthorized(await signToken(impostor, claims()), "INVALID_TOKEN");
    await expectUnauthorized(await signToken(sys.signingKey, { ...claims(), role: "root" }), "INVALID_TOKEN");
  });
});

describe("roles", () => {
  it("a customer on an admin route is 403; an admin passes; no token is 401", async () => {
    const forbidden = await sys.api.get("/api/admin/sagas", { token: customer.token });
    expect(forbidden.status).toBe(403);
    expect(v.parse(Problem, forbidden.body).code).toBe("FORBIDDEN");
    const admin = await sys.login(ADMIN);
    expect((await sys.api.get("/api/admin/sagas", { token: admin.token })).status).toBe(200);
    expect((await sys.api.get("/api/admin/sagas")).status).toBe(401);
  });
});

describe("key rotation", () => {
  it("refetches the JWK set for an unknown kid at most once per interval", async () => {
    const stranger = await createSigningKey("unknown-kid");
    const token = await signToken(stranger, { sub: customer.userId });
    await new Promise((r) => setTimeout(r, REFRESH_INTERVAL_MS + 50));
    const before = await callCount(sys.api, "rpc.users.jwks");
    await expectUnauthorized(token, "INVALID_TOKEN");
    await expectUnauthorized(token, "INVALID_TOKEN");
    await expectUnauthorized(token, "INVALID_TOKEN");
    expect((await callCount(sys.api, "rpc.users.jwks")) - before).toBe(1);
  });

  it("accepts tokens of a key users rotated to, and still those of the retired key", async () => {
    const oldToken = customer.token;
    const next = await createSigningKey("test-key-2");
    await sys.stopService("users");
    await sys.startService("users", { JWT_PRIVATE_JWK: next.privateJwkJson });
    await new Promise((r) => setTimeout(r, REFRESH_INTERVAL_MS + 50));
    const fresh = await sys.login(CUSTOMER);
    const header = JSON.parse(Buffer.from(fresh.token.split(".")[0] ?? "", "base64url").toString());
    expect(header.kid).toBe("test-key-2");
    const me = await sys.api.get("/api/me", { token: fresh.token });
    expect(me.status).toBe(200);
    expect((await sys.api.get("/api/me", { token: oldToken })).status).toBe(200);
    expect(
      (await sys.api.get("/api/me", { token: await signToken(next, { sub: customer.userId }) })).status,
    ).toBe(200);
  });
});
