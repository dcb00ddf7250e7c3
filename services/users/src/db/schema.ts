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

export const schema = { accounts, signingKeys };
