import { users } from "@bazaar/contracts";
import { ConflictError, NotFoundError, UnauthorizedError } from "@bazaar/service-kit";
import { and, asc, eq, gt } from "drizzle-orm";
import type * as v from "valibot";
import { accounts } from "./db/schema.js";
import type { UsersOutbox, UsersTransaction, UsersTx } from "./declaration.js";
import { hashPassword, UNMATCHABLE_HASH, verifyPassword } from "./passwords.js";
import { newUserId } from "./user-id.js";

type UserRow = typeof accounts.$inferSelect;
export type User = v.InferOutput<typeof users.User>;

/** `toUser` is the wire shape of a row: everything but the password hash. */
export function toUser(row: UserRow): User {
  return { id: row.id, email: row.email, name: row.name, role: row.role, createdAt: row.createdAt };
}

export interface NewAccount {
  /** Already normalised (trimmed, lower-case) by the contract or the config schema. */
  readonly email: string;
  readonly name: string;
  readonly role: users.Role;
  readonly passwordHash: string;
}

/**
 * `createAccount` inserts an account and its `user.registered` event in the caller's transaction, so the
 * event exists if and only if the account does. A taken email (in any case) is a CONFLICT.
 */
export function createAccount(tx: UsersTx, outbox: UsersOutbox, account: NewAccount): User {
  const row = tx
    .insert(accounts)
    .values({
      id: newUserId(),
      email: account.email.toLowerCase(),
      name: account.name,
      role: account.role,
      passwordHash: account.passwordHash,
      createdAt: new Date().toISOString(),
    })
    .onConflictDoNothing({ target: accounts.email })
    .returning()
    .get();
  if (!row) throw new ConflictError("an account with this email already exists", { reason: "EMAIL_TAKEN" });
  outbox.emit(users.userRegistered, {
    userId: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
  });
  return toUser(row);
}

/**
 * `registerAccount` is the one way accounts are made (the register RPC and the seed): hash the password
 * first, since scrypt is asynchronous and a SQLite transaction is not, then insert in `run`. The RPC passes
 * the `commit` of `ctx.idempotently`, which answers a retry before this runs again.
 */
export async function registerAccount(
  run: UsersTransaction,
  account: Omit<NewAccount, "passwordHash"> & { readonly password: string },
): Promise<User> {
  const passwordHash = await hashPassword(account.password);
  return run((tx, outbox) =>
    createAccount(tx, outbox, { email: account.email, name: account.name, role: account.role, passwordHash }),
  );
}

export function findByEmail(tx: UsersTx, email: string): UserRow | undefined {
  return tx.select().from(accounts).where(eq(accounts.email, email.toLowerCase())).get();
}

/**
 * `authenticate` returns the account whose password matches, or UNAUTHORIZED with one message for an
 * unknown email and a wrong password alike. An unknown email still costs one scrypt (against a hash nothing
 * matches), so the answer time does not reveal which emails have accounts.
 */
export async function authenticate(tx: UsersTx, email: string, password: string): Promise<User> {
  const row = findByEmail(tx, email);
  const matches = await verifyPassword(password, row?.passwordHash ?? UNMATCHABLE_HASH);
  if (!row || !matches) throw new UnauthorizedError("invalid email or password");
  return toUser(row);
}

/** `findUser` is the account as it is now, or `undefined` once it is gone (a refresh re-reads it). */
export function findUser(tx: UsersTx, userId: string): User | undefined {
  const row = tx.select().from(accounts).where(eq(accounts.id, userId)).get();
  return row ? toUser(row) : undefined;
}

export function getUser(tx: UsersTx, userId: string): User {
  const user = findUser(tx, userId);
  if (!user) throw new NotFoundError(`user ${userId} not found`);
  return user;
}

/** `listUsersAfter` is one keyset page by id (stable while users sign up), optionally of one role. */
export function listUsersAfter(
  tx: UsersTx,
  page: { readonly after: string; readonly limit: number; readonly role: users.Role | undefined },
): User[] {
  const after = gt(accounts.id, page.after);
  return tx
    .select()
    .from(accounts)
    .where(page.role ? and(eq(accounts.role, page.role), after) : after)
    .orderBy(asc(accounts.id))
    .limit(page.limit)
    .all()
    .map(toUser);
}
