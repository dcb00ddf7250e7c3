import { createHash, timingSafeEqual } from "node:crypto";
import { scryptHash, scryptVerify } from "./scrypt-hash.js";

/**
 * A password is low-entropy: a fast digest of a request that holds one could be brute-forced from a copy
 * of the database. Such requests are fingerprinted with salted scrypt at the cost users pays for a stored
 * password (N=2^15, r=8, p=1), so the fingerprint is no easier to attack than the account's own hash, and
 * it is pruned with its row. Other values (tokens, ids) are high-entropy or stored in the clear anyway,
 * so a SHA-256 digest of them reveals nothing.
 */
const PASSWORD_FIELD = /pass(word|phrase|wd)/i;
const KEY_LENGTH = 32;

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

/**
 * `fingerprintRequest` covers every field of a command's request: `sha256:<hex>`, or for a request with a
 * password `scrypt$N$r$p$salt$hash` (base64url) with a fresh salt.
 */
export async function fingerprintRequest(request: unknown): Promise<string> {
  const { json, hasPassword } = canonical(request);
  if (!hasPassword) return `sha256:${createHash("sha256").update(json).digest("hex")}`;
  return scryptHash(json, KEY_LENGTH);
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
  return hasPassword && stored.startsWith("scrypt$") && scryptVerify(json, stored);
}
