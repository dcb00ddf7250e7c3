import { Id, users } from "@bazaar/contracts";
import { UnauthorizedError } from "@bazaar/service-kit/platform";
import { type JWTPayload, jwtVerify } from "jose";
import * as v from "valibot";
import type { Principal } from "../http/gateway-env.js";
import type { JwksCache, VerificationKeys } from "./jwks-cache.js";

/** The claims the gateway relies on (users puts them in every token): compiled once. */
const Claims = v.object({ sub: Id, role: users.Role, email: v.optional(v.string()) });

/** Longer than any token users issues; anything larger is refused before it is parsed. */
const MAX_TOKEN_LENGTH = 4096;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Verifies a bearer token and says who it names; throws UNAUTHORIZED (or UNAVAILABLE without keys). */
export type VerifyToken = (token: string) => Promise<Principal>;

function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/** `refusal` turns jose's verdict into a 401 with a reason, keeping the detail as the (unsent) cause. */
function refusal(err: unknown): UnauthorizedError {
  switch (codeOf(err)) {
    case "ERR_JWT_EXPIRED":
      return new UnauthorizedError("the access token has expired", { reason: "TOKEN_EXPIRED", cause: err });
    case "ERR_JWT_CLAIM_VALIDATION_FAILED": {
      const claim = (err as { claim?: unknown }).claim;
      return new UnauthorizedError(`the access token's ${String(claim)} claim is not accepted`, {
        reason: "INVALID_CLAIMS",
        cause: err,
      });
    }
    default:
      return new UnauthorizedError("the access token is not valid", { reason: "INVALID_TOKEN", cause: err });
  }
}

/**
 * `createTokenVerifier` checks an access token the way users issues it: EdDSA only (so `alg: none` and an
 * HMAC "signed" with the public key are refused before any key is looked at), a key from the users JWK
 * set, its issuer and audience, and `exp`/`nbf` with a small leeway. A token naming an unknown `kid`
 * refetches the set once (rate-limited), so a rotated key works at once.
 */
export function createTokenVerifier(options: { jwks: JwksCache; leewaySeconds: number }): VerifyToken {
  const { jwks, leewaySeconds } = options;
  const verifyWith = async (token: string, keys: VerificationKeys): Promise<JWTPayload> =>
    (
      await jwtVerify(token, keys.keySet, {
        algorithms: ["EdDSA"],
        issuer: keys.issuer,
        audience: keys.audience,
        clockTolerance: leewaySeconds,
        requiredClaims: ["exp", "sub"],
      })
    ).payload;

  return async (token) => {
    if (token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token))
      throw new UnauthorizedError("the access token is malformed", { reason: "INVALID_TOKEN" });
    const keys = await jwks.get();
    let payload: JWTPayload;
    try {
      payload = await verifyWith(token, keys);
    } catch (err) {
      if (codeOf(err) !== "ERR_JWKS_NO_MATCHING_KEY") throw refusal(err);
      const fresh = await jwks.refreshForUnknownKey();
      if (!fresh) throw refusal(err);
      try {
        payload = await verifyWith(token, fresh);
      } catch (again) {
        throw refusal(again);
      }
    }
    const claims = v.safeParse(Claims, payload);
    if (!claims.success)
      throw new UnauthorizedError("the access token names no valid subject and role", {
        reason: "INVALID_TOKEN",
      });
    return {
      userId: claims.output.sub,
      role: claims.output.role,
      email: claims.output.email,
      expiresAt: (payload.exp ?? 0) * 1000,
    };
  };
}
