import { type BinaryLike, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

// promisify picks scrypt's overload without options; this is the one with them.
const scryptAsync = promisify(scrypt) as (
  secret: BinaryLike,
  salt: BinaryLike,
  keylen: number,
  options: ScryptOptions,
) => Promise<Buffer>;

/**
 * Cost parameters for new hashes (about 50 ms and 32 MiB each; OWASP's minimum for scrypt is N=2^17 with
 * r=8 and p=1 at 128 MiB, so this trades some strength for latency on small machines). They are stored
 * with every hash, so raising them later leaves old hashes verifiable.
 */
const N = 2 ** 15;
const R = 8;
const P = 1;
const SALT_LENGTH = 16;
/** Node refuses scrypt above `maxmem` (default 32 MiB, which N=2^15, r=8 exactly reaches). */
const MAX_MEM = 256 * 1024 * 1024;
/** Bounds on stored parameters, so a corrupt row cannot make verification hang or exhaust memory. */
const MAX_N = 2 ** 20;

interface ParsedHash {
  readonly n: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

// NFC first: the same secret typed on another system may arrive in a different Unicode form.
const derive = (secret: string, salt: Buffer, cost: Omit<ParsedHash, "salt" | "hash">, length: number) =>
  scryptAsync(secret.normalize("NFC"), salt, length, { N: cost.n, r: cost.r, p: cost.p, maxmem: MAX_MEM });

const format = (salt: Buffer, hash: Buffer): string =>
  ["scrypt", N, R, P, salt.toString("base64url"), hash.toString("base64url")].join("$");

/**
 * `scryptHash` derives a key with scrypt (on libuv's thread pool, so the event loop keeps serving) from a
 * low-entropy secret and a fresh 16-byte salt, and returns `scrypt$N$r$p$salt$hash` (base64url).
 */
export async function scryptHash(secret: string, keyLength = 64): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  return format(salt, await derive(secret, salt, { n: N, r: R, p: P }, keyLength));
}

function parse(stored: string): ParsedHash | undefined {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || rest.length > 0 || !salt || !hash) return undefined;
  const [cost, block, parallel] = [Number(n), Number(r), Number(p)];
  const valid =
    Number.isInteger(cost) &&
    cost > 1 &&
    cost <= MAX_N &&
    (cost & (cost - 1)) === 0 &&
    Number.isInteger(block) &&
    block >= 1 &&
    block <= 32 &&
    Number.isInteger(parallel) &&
    parallel >= 1 &&
    parallel <= 16;
  if (!valid) return undefined;
  return {
    n: cost,
    r: block,
    p: parallel,
    salt: Buffer.from(salt, "base64url"),
    hash: Buffer.from(hash, "base64url"),
  };
}

/**
 * `scryptVerify` re-derives with the stored salt and parameters and compares in constant time. A stored
 * value it cannot read never matches.
 */
export async function scryptVerify(secret: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.hash.length === 0) return false;
  const candidate = await derive(secret, parsed.salt, parsed, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

/**
 * A well-formed hash no secret matches (its "hash" is random bytes). Checking against it costs one scrypt
 * at today's parameters, so an answer's timing does not tell whether there was a real hash to check.
 */
export function unmatchableScryptHash(keyLength = 64): string {
  return format(randomBytes(SALT_LENGTH), randomBytes(keyLength));
}
