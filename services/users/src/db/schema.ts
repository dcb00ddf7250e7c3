import { sql } from "drizzle-orm";
import { check, index, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Accounts. `email` is stored lower-case (the contract normalises it), so the unique index makes emails
 * unique case-insensitively; the CHECK keeps any other writer honest. Ids are UUIDv7, so keyset pages by id
 * list users in sign-up order.
 */
export const accounts = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["customer", "admin"] }).notNull(),
    /** `scrypt$N$r$p$salt$hash`: never leaves this service (see `passwords.ts`). */
    passwordHash: text("password_hash").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("users_email").on(t.email),
    index("users_role_id").on(t.role, t.id),
    check("users_email_lower_case", sql`${t.email} = lower(${t.email})`),
  ],
);

/**
 * The keys that sign access tokens. One is `active` (it signs); `retired` ones keep only their public half
 * and stay in the JWK set while tokens they signed may still be alive. In production the active key's
 * private half stays in config (`JWT_PRIVATE_JWK`), so `private_jwk` is null there.
 */
export const signingKeys = sqliteTable(
  "signing_keys",
  {
    kid: text("kid").primaryKey(),
    privateJwk: text("private_jwk"),
    publicJwk: text("public_jwk").notNull(),
    status: text("status", { enum: ["active", "retired"] }).notNull(),
    createdAt: text("created_at").notNull(),
    retiredAt: text("retired_at"),
  },
  (t) => [
    // At most one key signs at a time.
    uniqueIndex("signing_keys_one_active").on(t.status).where(sql`status = 'active'`),
  ],
);

/**
 * Refresh tokens, one row per token issued; the rows of one login share `family_id` (a session). Only the
 * SHA-256 of a token is kept, so a copy of this table signs nobody in. A rotated row stays until it
 * expires: presenting it again is how reuse (a stolen token) is detected, and it revokes the family.
 * `session_expires_at` is the family's absolute end, copied to each row so a rotation needs no join.
 */
export const refreshTokens = sqliteTable(
  "refresh_tokens",
  {
    /** Hex SHA-256 of the token: the token itself never reaches the disk. */
    tokenHash: text("token_hash").primaryKey(),
    familyId: text("family_id").notNull(),
    userId: text("user_id").notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    sessionExpiresAt: text("session_expires_at").notNull(),
    /** When this token was traded for its successor; set once. */
    rotatedAt: text("rotated_at"),
    /** When its family was revoked (logout, reuse, account gone). */
    revokedAt: text("revoked_at"),
  },
  (t) => [
    index("refresh_tokens_family").on(t.familyId),
    index("refresh_tokens_user").on(t.userId),
    index("refresh_tokens_expires_at").on(t.expiresAt),
  ],
);

export const schema = { accounts, signingKeys, refreshTokens };
