import { users } from "@bazaar/contracts";
import { createLocalJWKSet } from "jose";
import * as v from "valibot";
import type { JwksCache, VerificationKeys } from "./jwks-cache.js";

/** A JWK set of public Ed25519 keys, as users publishes it (a private part is refused by the schema's shape). */
const PublicJwks = v.object({
  keys: v.pipe(v.array(v.strictObject(users.PublicJwk.entries)), v.minLength(1)),
});

/** Why `JWT_PUBLIC_JWKS` cannot be used (never quoting it: it is key material), or undefined when it can. */
export function configuredJwksProblem(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "JWT_PUBLIC_JWKS: is not JSON";
  }
  return v.is(PublicJwks, value)
    ? undefined
    : 'JWT_PUBLIC_JWKS: must be {"keys":[...]} of public Ed25519 keys (kty OKP, crv Ed25519, x, kid, alg EdDSA, use sig; no private part)';
}

/**
 * `configuredJwks` verifies tokens with a fixed key set from configuration: nothing is fetched, so no
 * broker message can add a key. A token naming a key the set lacks is refused (there is nothing to refetch).
 */
export function configuredJwks(options: { text: string; issuer: string; audience: string }): JwksCache {
  const { keys } = v.parse(PublicJwks, JSON.parse(options.text));
  const verification: VerificationKeys = {
    keySet: createLocalJWKSet({ keys }),
    issuer: options.issuer,
    audience: options.audience,
  };
  return {
    get: async () => verification,
    refreshForUnknownKey: async () => undefined,
  };
}
