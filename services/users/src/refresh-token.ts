import { createHash, randomBytes } from "node:crypto";

/** Bytes of randomness in a refresh token: 256 bits, far beyond guessing, as base64url (43 characters). */
const TOKEN_BYTES = 32;

/** `newRefreshToken` draws an opaque refresh token from the system's CSPRNG. */
export function newRefreshToken(): string {
  return randomBytes(TOKEN_BYTES).toString("base64url");
}

/**
 * `hashRefreshToken` is what the database keeps instead of the token: its hex SHA-256. A fast hash is
 * enough here (unlike passwords): the token has 256 random bits, so there is nothing to brute-force.
 */
export function hashRefreshToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
