import {
  type BinaryLike,
  createHash,
  randomBytes,
  type ScryptOptions,
  scrypt,
  timingSafeEqual,
} from "node:crypto";
import { promisify } from "node:util";

// promisify picks scrypt's overload without options; this is the one with them.
const scryptAsync = promisify(scrypt) as (
  password: BinaryLike,
  salt: BinaryLike,
  keylen: number,
  options: ScryptOptions,
) => Promise<Buffer>;

/**
 * A password is low-entropy: a fast digest of a request that holds one could be brute-forced from a copy
 * of the database. Such requests are fingerprinted with salted scrypt at the cost users pays for a stored
 * password (N=2^15, r=8, p=1), so the fingerprint is no easier to attack than the account's own hash, and
 * it is pruned with its row. Other values (tokens, ids) are high-entropy or stored in the clear anyway,
 * so a SHA-256 digest of them reveals nothing.
 */
const PASSWORD_FIELD = /pass(word|phrase|wd)/i;
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
const MAX_MEM = 256 * 1024 * 1024;
/** Bounds on stored parameters, so a corrupt row cannot make a check hang or exhaust memory. */
const MAX_N = 2 ** 20;

/** The request as canonical JSON (object keys sorted), and whether any field looks like a password. */
function canonical(request: unknown): { json: string; hasPassword: boolean } {
  let hasPassword = false;
  const sort = (value: unknown, key: string): unknown => {
    if (key && PASSWORD_FIELD.test(key) && value !== undefined) hasPassword = true;
    if (Array.isArray(value)) return value.map((item) => sort(item, ""));
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) out[k] = sort((value as Record<string, unknown>)[k], k);
      return out;
    }
    return value;
  };
  const json = JSON.stringify(sort(request ?? null, "")) ?? "null";
  return { json, hasPassword };
}

const derive = (json: string, salt: Buffer, n: number, r: number, p: number, length: number) =>
  scryptAsync(json.normalize("NFC"), salt, length, { N: n, r, p, maxmem: MAX_MEM });

/**
 * `fingerprintRequest` covers every field of a command's request: `sha256:<hex>`, or for a request with a
 * password `scrypt$N$r$p$salt$hash` (base64url) with a fresh salt.
 */
export async function fingerprintRequest(request: unknown): Promise<string> {
  const { json, hasPassword } = canonical(request);
  if (!hasPassword) return `sha256:${createHash("sha256").update(json).digest("hex")}`;
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(json, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, KEY_LENGTH);
  return [
    "scrypt",
    SCRYPT.N,
    SCRYPT.r,
    SCRYPT.p,
    salt.toString("base64url"),
    hash.toString("base64url"),
  ].join("$");
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * `matchesFingerprint` says whether a request is the one a stored fingerprint was made from. A stored value
 * it cannot read (a row from before fingerprints covered every field) never matches, so such a key answers
 * UNPROCESSABLE rather than running a command twice.
 */
export async function matchesFingerprint(request: unknown, stored: string): Promise<boolean> {
  const { json, hasPassword } = canonical(request);
  if (stored.startsWith("sha256:")) {
    if (hasPassword) return false;
    const digest = createHash("sha256").update(json).digest();
    return equal(digest, Buffer.from(stored.slice("sha256:".length), "hex"));
  }
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split("$");
  if (scheme !== "scrypt" || rest.length > 0 || !salt || !hash || !hasPassword) return false;
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
  if (!valid) return false;
  const expected = Buffer.from(hash, "base64url");
  if (expected.length === 0) return false;
  const candidate = await derive(
    json,
    Buffer.from(salt, "base64url"),
    cost,
    block,
    parallel,
    expected.length,
  );
  return equal(candidate, expected);
}
