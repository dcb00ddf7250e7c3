import { exportJWK } from "jose";
import { describe, expect, it } from "vitest";
import { AUDIENCE, createSigningKey, ISSUER, signToken } from "../test-support/signing-key.js";
import { configuredJwks, configuredJwksProblem } from "./configured-jwks.js";
import { createTokenVerifier } from "./verify-token.js";

async function publicJwks(...keys: Array<Awaited<ReturnType<typeof createSigningKey>>>): Promise<string> {
  const jwks = await Promise.all(
    keys.map(async (k) => {
      const { d: _private, ...pub } = await exportJWK(k.privateKey);
      return { ...pub, kid: k.kid, alg: "EdDSA", use: "sig" };
    }),
  );
  return JSON.stringify({ keys: jwks });
}

describe("a configured JWK set (JWT_PUBLIC_JWKS)", () => {
  it("verifies tokens of its keys, and refuses any other key without fetching anything", async () => {
    const current = await createSigningKey("k-2026-11");
    const next = await createSigningKey("k-2026-12");
    const stranger = await createSigningKey("k-rogue");
    // Rotation: the next key is published (configured) before users signs with it.
    const jwks = configuredJwks({
      text: await publicJwks(current, next),
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const verify = createTokenVerifier({ jwks, leewaySeconds: 0 });
    expect(await verify(await signToken(current, { sub: "u-1" }))).toMatchObject({ userId: "u-1" });
    expect(await verify(await signToken(next, { sub: "u-2", role: "admin" }))).toMatchObject({
      role: "admin",
    });
    await expect(verify(await signToken(stranger, { sub: "u-3", role: "admin" }))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    // Same kid, other key: still refused.
    await expect(verify(await signToken(stranger, { sub: "u-4", kid: current.kid }))).rejects.toMatchObject({
      code: "UNAUTHORIZED",
    });
    expect(await jwks.refreshForUnknownKey()).toBeUndefined();
  });

  it("must be public Ed25519 keys: the start-up check names the variable, never its value", async () => {
    const key = await createSigningKey("k-private");
    expect(configuredJwksProblem(undefined)).toBeUndefined();
    expect(configuredJwksProblem(await publicJwks(key))).toBeUndefined();
    expect(configuredJwksProblem("{not json")).toBe("JWT_PUBLIC_JWKS: is not JSON");
    const withPrivate = JSON.stringify({ keys: [{ ...JSON.parse(key.privateJwkJson), use: "sig" }] });
    const problem = configuredJwksProblem(withPrivate);
    expect(problem).toMatch(/^JWT_PUBLIC_JWKS: must be .*no private part/);
    expect(problem).not.toContain(JSON.parse(key.privateJwkJson).d);
    expect(configuredJwksProblem(JSON.stringify({ keys: [] }))).toMatch(/^JWT_PUBLIC_JWKS: must be/);
    expect(configuredJwksProblem(JSON.stringify({ keys: [{ kty: "RSA", n: "x", e: "AQAB" }] }))).toMatch(
      /^JWT_PUBLIC_JWKS: must be/,
    );
  });
});
