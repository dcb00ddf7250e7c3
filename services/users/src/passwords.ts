import { scryptHash, scryptVerify, unmatchableScryptHash } from "@bazaar/service-kit";

/**
 * `hashPassword` derives a key with scrypt from the password and a fresh salt (the kit's `scryptHash`:
 * about 50 ms and 32 MiB, parameters stored with the hash) and returns `scrypt$N$r$p$salt$hash`.
 *
 * @example
 * const stored = await hashPassword("correct horse battery");
 * await verifyPassword("correct horse battery", stored); // true
 */
export function hashPassword(password: string): Promise<string> {
  return scryptHash(password);
}

/**
 * `verifyPassword` re-derives with the stored salt and parameters and compares in constant time. A stored
 * value it cannot read never matches.
 */
export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return scryptVerify(password, stored);
}

/**
 * A well-formed hash no password matches. Checking a password against it costs one scrypt at today's
 * parameters, which is what a login for an unknown email spends, so the answer time does not tell whether
 * the email has an account.
 */
export const UNMATCHABLE_HASH = unmatchableScryptHash();
