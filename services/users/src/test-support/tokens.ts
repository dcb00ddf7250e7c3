import { users } from "@bazaar/contracts";
import type { RpcClient } from "@bazaar/service-kit/platform";
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify } from "jose";

/** `verifyWithJwks` checks a token the way the gateway will: against the `users.jwks` key set, EdDSA only. */
export async function verifyWithJwks(client: RpcClient, token: string) {
  const set = await client.call(users.jwks, {});
  return jwtVerify(token, createLocalJWKSet({ keys: set.keys }), {
    issuer: set.issuer,
    audience: set.audience,
    algorithms: ["EdDSA"],
  });
}

/** `productionJwk` makes what an operator puts in `JWT_PRIVATE_JWK`: a JSON Ed25519 private JWK with a kid. */
export async function productionJwk(): Promise<{ json: string; kid: string }> {
  const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const kid = `prod-${(await calculateJwkThumbprint(await exportJWK(pair.publicKey))).slice(0, 12)}`;
  return { json: JSON.stringify({ ...(await exportJWK(pair.privateKey)), kid, alg: "EdDSA" }), kid };
}
