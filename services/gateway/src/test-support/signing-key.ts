import { exportJWK, generateKeyPair, SignJWT } from "jose";

/** A key pair the test gives users as `JWT_PRIVATE_JWK`, so the test can sign tokens users would sign. */
export interface TestSigningKey {
  readonly kid: string;
  /** The value for users' `JWT_PRIVATE_JWK`. */
  readonly privateJwkJson: string;
  readonly privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];
  /** The public half's `x` (raw Ed25519 public key, base64url). */
  readonly x: string;
}

export async function createSigningKey(kid: string): Promise<TestSigningKey> {
  const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const jwk = await exportJWK(pair.privateKey);
  return {
    kid,
    privateJwkJson: JSON.stringify({ ...jwk, kid, alg: "EdDSA" }),
    privateKey: pair.privateKey,
    x: String(jwk.x),
  };
}

export interface TokenClaims {
  readonly sub: string;
  readonly role?: string;
  readonly email?: string;
  readonly iss?: string;
  readonly aud?: string;
  /** Seconds from now (negative: already expired). */
  readonly expiresIn?: number;
  readonly notBeforeIn?: number;
  readonly kid?: string;
}

/** The issuer and audience users uses by default (its `JWT_ISSUER`, `JWT_AUDIENCE`). */
export const ISSUER = "bazaar-users";
export const AUDIENCE = "bazaar-api";

/** `signToken` signs an access token with a test key, shaped like users' (EdDSA, kid, iss, aud, role). */
export function signToken(key: TestSigningKey, claims: TokenClaims): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ role: claims.role ?? "customer", email: claims.email ?? "t@bazaar.local" })
    .setProtectedHeader({ alg: "EdDSA", kid: claims.kid ?? key.kid, typ: "JWT" })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.expiresIn ?? 600));
  if (claims.notBeforeIn !== undefined) jwt.setNotBefore(now + claims.notBeforeIn);
  return jwt.sign(key.privateKey);
}
