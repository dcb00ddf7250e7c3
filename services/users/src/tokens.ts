import { randomUUID } from "node:crypto";
import type { users } from "@bazaar/contracts";
import { SignJWT } from "jose";
import type * as v from "valibot";
import type { User } from "./accounts.js";
import type { UsersConfig } from "./declaration.js";
import type { activeSigner } from "./signing-keys.js";

export type Token = v.InferOutput<typeof users.Token>;
type Signer = Awaited<ReturnType<typeof activeSigner>>;

/**
 * `issueAccessToken` signs a short-lived JWT (EdDSA, Ed25519) for a user: `sub` is the user id, `role`
 * and `email` spare the gateway a lookup, and `kid` names the key in the JWK set that verifies it.
 */
export async function issueAccessToken(
  signer: Signer,
  config: Pick<UsersConfig, "JWT_ISSUER" | "JWT_AUDIENCE" | "ACCESS_TOKEN_TTL_SECONDS">,
  user: User,
): Promise<Token> {
  const now = Math.floor(Date.now() / 1000);
  const ttl = config.ACCESS_TOKEN_TTL_SECONDS;
  const accessToken = await new SignJWT({ role: user.role, email: user.email })
    .setProtectedHeader({ alg: "EdDSA", kid: signer.kid, typ: "JWT" })
    .setIssuer(config.JWT_ISSUER)
    .setAudience(config.JWT_AUDIENCE)
    .setSubject(user.id)
    .setIssuedAt(now)
    .setExpirationTime(now + ttl)
    .setJti(randomUUID())
    .sign(signer.key);
  return { accessToken, tokenType: "Bearer", expiresIn: ttl, user };
}
