import { users } from "@bazaar/contracts";
import { ConfigError } from "@bazaar/service-kit";
import { and, eq, gte, or } from "drizzle-orm";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from "jose";
import * as v from "valibot";
import { PrivateJwk } from "./config.js";
import { signingKeys } from "./db/schema.js";
import type { UsersConfig, UsersTransaction, UsersTx } from "./declaration.js";

export type PublicJwk = v.InferOutput<typeof users.PublicJwk>;
type SigningKey = Awaited<ReturnType<typeof importJWK>>;
type KeyConfig = Pick<UsersConfig, "NODE_ENV" | "JWT_PRIVATE_JWK" | "ACCESS_TOKEN_TTL_SECONDS">;

/** Retired keys stay published this long past the token lifetime, for clocks that run a little behind. */
const CLOCK_SKEW_MS = 60_000;

function publicHalf(jwk: { x: string; kid: string }): PublicJwk {
  return { kty: "OKP", crv: "Ed25519", x: jwk.x, kid: jwk.kid, alg: "EdDSA", use: "sig" };
}

/** Imported keys, by kid and public key (which together name one key pair), so a login imports none. */
const imported = new Map<string, Promise<SigningKey>>();

function importPrivate(jwk: PrivateJwk): Promise<SigningKey> {
  const id = `${jwk.kid}.${jwk.x}`;
  let key = imported.get(id);
  if (!key) {
    // Node's WebCrypto rejects a JWK whose `x` is not the public half of its `d`.
    key = importJWK({ ...jwk, alg: "EdDSA" }, "EdDSA");
    imported.set(id, key);
    key.catch(() => imported.delete(id));
  }
  return key;
}

/** Takes the active key out of service: it keeps only its public half, published until its tokens expire. */
function retireActive(tx: UsersTx, now: string): void {
  tx.update(signingKeys)
    .set({ status: "retired", retiredAt: now, privateJwk: null })
    .where(eq(signingKeys.status, "active"))
    .run();
}

/** A configured key stays in config; this records its public half (and retires the previous key). */
async function adoptConfiguredKey(run: UsersTransaction, jwk: PrivateJwk): Promise<string> {
  try {
    await importPrivate(jwk);
  } catch {
    // The cause is left out on purpose: it may quote key material.
    throw new ConfigError("invalid configuration:\n  JWT_PRIVATE_JWK: is not a usable Ed25519 key pair", [
      "JWT_PRIVATE_JWK",
    ]);
  }
  const publicJwk = publicHalf(jwk);
  return run((tx) => {
    const now = new Date().toISOString();
    const known = tx.select().from(signingKeys).where(eq(signingKeys.kid, jwk.kid)).get();
    if (known && v.parse(users.PublicJwk, JSON.parse(known.publicJwk)).x !== jwk.x)
      throw new ConfigError(
        `invalid configuration:\n  JWT_PRIVATE_JWK: kid ${jwk.kid} already names another key; give a new key a new kid`,
        ["JWT_PRIVATE_JWK"],
      );
    if (known?.status === "active") return jwk.kid;
    retireActive(tx, now);
    if (known) {
      tx.update(signingKeys)
        .set({ status: "active", retiredAt: null })
        .where(eq(signingKeys.kid, jwk.kid))
        .run();
    } else {
      tx.insert(signingKeys)
        .values({
          kid: jwk.kid,
          privateJwk: null,
          publicJwk: JSON.stringify(publicJwk),
          status: "active",
          createdAt: now,
        })
        .run();
    }
    return jwk.kid;
  });
}

/** Without a configured key (development, tests): generate one on first start and keep it in SQLite. */
async function ensureGeneratedKey(run: UsersTransaction): Promise<string> {
  const usable = (tx: UsersTx) =>
    tx
      .select()
      .from(signingKeys)
      .where(eq(signingKeys.status, "active"))
      .all()
      .find((row) => row.privateJwk !== null);
  const existing = run((tx) => usable(tx));
  if (existing) return existing.kid;

  // Generated outside the transaction (it is asynchronous); the transaction checks again before storing.
  const pair = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const exported = await exportJWK(pair.privateKey);
  const kid = await calculateJwkThumbprint(await exportJWK(pair.publicKey));
  const jwk = v.parse(PrivateJwk, { ...exported, kid });
  return run((tx) => {
    const current = usable(tx);
    if (current) return current.kid;
    const now = new Date().toISOString();
    retireActive(tx, now);
    tx.insert(signingKeys)
      .values({
        kid,
        privateJwk: JSON.stringify({ ...jwk, alg: "EdDSA" }),
        publicJwk: JSON.stringify(publicHalf(jwk)),
        status: "active",
        createdAt: now,
      })
      .run();
    return kid;
  });
}

/**
 * `ensureSigningKey` makes sure one key is active before requests are served, and returns its kid: the
 * configured `JWT_PRIVATE_JWK` when set (required in production; a new kid retires the previous key),
 * otherwise a key generated on first start and kept in this service's SQLite.
 */
export async function ensureSigningKey(run: UsersTransaction, config: KeyConfig): Promise<string> {
  if (config.JWT_PRIVATE_JWK) return adoptConfiguredKey(run, config.JWT_PRIVATE_JWK);
  if (config.NODE_ENV === "production")
    throw new ConfigError("invalid configuration:\n  JWT_PRIVATE_JWK: is required in production", [
      "JWT_PRIVATE_JWK",
    ]);
  return ensureGeneratedKey(run);
}

/** `activeSigner` is the key new tokens are signed with (read per call, so a rotation applies at once). */
export async function activeSigner(
  tx: UsersTx,
  config: KeyConfig,
): Promise<{ kid: string; key: SigningKey }> {
  const row = tx.select().from(signingKeys).where(eq(signingKeys.status, "active")).get();
  if (!row) throw new Error("no active signing key: ensureSigningKey runs at start-up");
  const jwk = row.privateJwk
    ? (JSON.parse(row.privateJwk) as PrivateJwk)
    : config.JWT_PRIVATE_JWK?.kid === row.kid
      ? config.JWT_PRIVATE_JWK
      : undefined;
  if (!jwk) throw new Error(`the private half of signing key ${row.kid} is not available`);
  return { kid: row.kid, key: await importPrivate(jwk) };
}

/**
 * `publishedKeys` is the JWK set: the active key and every key retired recently enough that a token it
 * signed may still be unexpired.
 */
export function publishedKeys(tx: UsersTx, config: KeyConfig, now = Date.now()): PublicJwk[] {
  const since = new Date(now - config.ACCESS_TOKEN_TTL_SECONDS * 1000 - CLOCK_SKEW_MS).toISOString();
  return tx
    .select({ publicJwk: signingKeys.publicJwk })
    .from(signingKeys)
    .where(
      or(
        eq(signingKeys.status, "active"),
        and(eq(signingKeys.status, "retired"), gte(signingKeys.retiredAt, since)),
      ),
    )
    .orderBy(signingKeys.createdAt)
    .all()
    .map((row) => v.parse(users.PublicJwk, JSON.parse(row.publicJwk)));
}
