import { type BinaryLike, randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { promisify } from "node:util";

// promisify picks scrypt's overload without options; this is the one with them.
const scryptAsync = promisify(scrypt) as (
  password: BinaryLike,
  salt: BinaryLike,
  keylen: number,
  options: ScryptOptions,
) => Promise<Buffer>;

/**
 * Cost parameters for new hashes (about 50 ms and 32 MiB each; OWASP's minimum for scrypt is N=2^17 with
 * r=8 and p=1 at 128 MiB, so this trades some strength for login latency on small machines). They are
 * stored with every hash, so raising them later leaves old hashes verifiable.
 */
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 64;
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

// NFC first: the same password typed on another system may arrive in a different Unicode form.
const derive = (password: string, salt: Buffer, n: number, r: number, p: number, length: number) =>
  scryptAsync(password.normalize("NFC"), salt, length, { N: n, r, p, maxmem: MAX_MEM });

/**
 * `hashPassword` derives a key with scrypt (on libuv's thread pool, so the event loop keeps serving) from
 * the password and a fresh 16-byte salt, and returns `scrypt$N$r$p$salt$hash` (base64url).
 *
 * @example
 * const stored = await hashPassword("correct horse battery");
 * await verifyPassword("correct horse battery", stored); // true
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, N, R, P, KEY_LENGTH);
  return ["scrypt", N, R, P, salt.toString("base64url"), hash.toString("base64url")].join("$");
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
 * `verifyPassword` re-derives with the stored salt and parameters and compares in constant time. A stored
 * value it cannot read never matches.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.hash.length === 0) return false;
  const candidate = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p, parsed.hash.length);
  return timingSafeEqual(candidate, parsed.hash);
}

/**
 * A well-formed hash no password matches (its "hash" is random bytes). Checking a password against it
 * costs one scrypt at today's parameters, which is what a login for an unknown email spends, so the answer
 * time does not tell whether the email has an account.
 */
export const UNMATCHABLE_HASH = [
  "scrypt",
  N,
  R,
  P,
  randomBytes(SALT_LENGTH).toString("base64url"),
  randomBytes(KEY_LENGTH).toString("base64url"),
].join("$");
