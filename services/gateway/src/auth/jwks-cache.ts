import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from "jose";

/** What verifies tokens right now: the key set, and the issuer and audience the tokens must name. */
export interface VerificationKeys {
  readonly keySet: JWTVerifyGetKey;
  readonly issuer: string;
  readonly audience: string;
}

export interface JwksCacheOptions {
  /** Fetches the published key set (the `users.jwks` RPC). */
  readonly fetch: () => Promise<{ keys: JSONWebKeySet["keys"]; issuer: string; audience: string }>;
  /** After this long the set is fetched again (a retired key then stops verifying). */
  readonly maxAgeMs: number;
  /** Unknown-kid refreshes happen at most this often. */
  readonly minRefreshIntervalMs: number;
  readonly now?: () => number;
  /** Told when a stale set is kept because the refetch failed. */
  readonly onStale?: (err: unknown) => void;
}

export interface JwksCache {
  /**
   * The current keys. The first call waits for the fetch; after `maxAgeMs` the set is refetched in the
   * background while the known keys keep verifying (also while users is unreachable).
   */
  get(): Promise<VerificationKeys>;
  /**
   * A token named a key the set does not have, perhaps one just rotated in: refetch and wait, unless a
   * refetch happened less than `minRefreshIntervalMs` ago (then `undefined`: forged kids cannot flood users).
   */
  refreshForUnknownKey(): Promise<VerificationKeys | undefined>;
}

/**
 * `createJwksCache` keeps the users service's JWK set in memory, imported once per fetch, so verifying a
 * token costs no call. Concurrent misses share one fetch.
 */
export function createJwksCache(options: JwksCacheOptions): JwksCache {
  const now = options.now ?? Date.now;
  let current: { keys: VerificationKeys; fetchedAt: number } | undefined;
  let inflight: Promise<VerificationKeys> | undefined;
  let lastForcedAt = Number.NEGATIVE_INFINITY;
  let nextBackgroundAt = 0;

  const load = (): Promise<VerificationKeys> => {
    inflight ??= options
      .fetch()
      .then((set) => {
        const keys = {
          keySet: createLocalJWKSet({ keys: set.keys }),
          issuer: set.issuer,
          audience: set.audience,
        };
        current = { keys, fetchedAt: now() };
        return keys;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  };

  return {
    async get() {
      if (!current) return load();
      const at = now();
      if (at - current.fetchedAt >= options.maxAgeMs && !inflight && at >= nextBackgroundAt) {
        load().catch((err: unknown) => {
          // Availability over freshness: the known keys keep verifying; try again a little later.
          nextBackgroundAt = now() + Math.max(1000, options.minRefreshIntervalMs);
          options.onStale?.(err);
        });
      }
      return current.keys;
    },
    async refreshForUnknownKey() {
      // A refresh already on its way (say, the first request with a newly rotated key) answers everyone.
      if (inflight) return inflight.catch(() => undefined);
      if (now() - lastForcedAt < options.minRefreshIntervalMs) return undefined;
      lastForcedAt = now();
      try {
        return await load();
      } catch (err) {
        options.onStale?.(err);
        return undefined;
      }
    },
  };
}
