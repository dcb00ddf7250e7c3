import { users } from "@bazaar/contracts";
import type { GatewayRuntime } from "../declaration.js";
import { configuredJwks } from "./configured-jwks.js";
import { createJwksCache } from "./jwks-cache.js";

/** The JWK set is small and users answers it from memory: a short timeout keeps a first request snappy. */
const JWKS_TIMEOUT_MS = 2000;

/**
 * `jwksFor` is where the gateway's verification keys come from: the users service's identity alone (the
 * broker lets no other service answer `users.jwks`), or a fixed set in configuration.
 */
export function jwksFor(runtime: GatewayRuntime) {
  const { config, log } = runtime;
  return config.JWT_PUBLIC_JWKS
    ? configuredJwks({
        text: config.JWT_PUBLIC_JWKS,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
      })
    : createJwksCache({
        fetch: () => runtime.call(users.jwks, {}, { timeoutMs: JWKS_TIMEOUT_MS }),
        maxAgeMs: config.JWKS_MAX_AGE_MS,
        minRefreshIntervalMs: config.JWKS_REFRESH_MIN_INTERVAL_MS,
        onStale: (err) => log.warn({ err }, "could not refresh the JWK set; the known keys stay in use"),
      });
}
