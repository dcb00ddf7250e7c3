import { randomUUID } from "node:crypto";
import { and, eq, inArray, isNull, lt } from "drizzle-orm";
import { refreshTokens } from "./db/schema.js";
import type { UsersConfig, UsersTx } from "./declaration.js";
import { hashRefreshToken, newRefreshToken } from "./refresh-token.js";

type Lifetimes = Pick<UsersConfig, "REFRESH_TOKEN_TTL_SECONDS" | "SESSION_MAX_AGE_SECONDS">;

/** A refresh token handed to the client, with the seconds it has left. */
export interface IssuedRefreshToken {
  readonly refreshToken: string;
  readonly refreshExpiresIn: number;
}

/** Why a refresh was refused; the caller answers every one with the same UNAUTHORIZED. */
export type RefreshRefusal = "unknown" | "revoked" | "reused" | "expired" | "account-gone";

export type RotateOutcome<U> =
  | {
      readonly ok: true;
      readonly user: U;
      readonly userId: string;
      readonly familyId: string;
      readonly next: IssuedRefreshToken;
    }
  | {
      readonly ok: false;
      readonly refusal: RefreshRefusal;
      readonly userId?: string;
      readonly familyId?: string;
    };

/** Expired rows removed per login, so clean-up stays a small, bounded part of each login. */
const PRUNE_BATCH = 100;

function insertToken(
  tx: UsersTx,
  row: { familyId: string; userId: string; now: Date; expiresAt: Date; sessionExpiresAt: string },
): IssuedRefreshToken {
  const refreshToken = newRefreshToken();
  tx.insert(refreshTokens)
    .values({
      tokenHash: hashRefreshToken(refreshToken),
      familyId: row.familyId,
      userId: row.userId,
      createdAt: row.now.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      sessionExpiresAt: row.sessionExpiresAt,
    })
    .run();
  return {
    refreshToken,
    refreshExpiresIn: Math.max(1, Math.floor((row.expiresAt.getTime() - row.now.getTime()) / 1000)),
  };
}

/** The sooner of the token's own lifetime and the session's end. */
function expiryOf(now: Date, ttlSeconds: number, sessionExpiresAt: string): Date {
  return new Date(Math.min(now.getTime() + ttlSeconds * 1000, Date.parse(sessionExpiresAt)));
}

/**
 * `startSession` stores the first refresh token of a new family for a user who just proved their password,
 * and removes a batch of expired rows (an expired row answers like an unknown one, so nothing is lost).
 */
export function startSession(
  tx: UsersTx,
  config: Lifetimes,
  userId: string,
  now = new Date(),
): IssuedRefreshToken {
  const stale = tx
    .select({ tokenHash: refreshTokens.tokenHash })
    .from(refreshTokens)
    .where(lt(refreshTokens.expiresAt, now.toISOString()))
    .limit(PRUNE_BATCH);
  tx.delete(refreshTokens).where(inArray(refreshTokens.tokenHash, stale)).run();
  const sessionExpiresAt = new Date(now.getTime() + config.SESSION_MAX_AGE_SECONDS * 1000).toISOString();
  return insertToken(tx, {
    familyId: randomUUID(),
    userId,
    now,
    expiresAt: expiryOf(now, config.REFRESH_TOKEN_TTL_SECONDS, sessionExpiresAt),
    sessionExpiresAt,
  });
}

/** `revokeFamily` ends a session: every token of the family that is not yet revoked becomes so now. */
export function revokeFamily(tx: UsersTx, familyId: string, now = new Date()): number {
  return tx
    .update(refreshTokens)
    .set({ revokedAt: now.toISOString() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    .run().changes;
}

/**
 * `rotateSession` trades a refresh token for its successor in the same family. `loadUser` is asked
 * inside the transaction, so a deleted account cannot slip between the check and the rotation. A token
 * that was already rotated is a reuse: someone holds a copy, so the whole family is revoked. The
 * revocation is a change to commit, so refusals are returned, not thrown (a throw would roll it back).
 */
export function rotateSession<U>(
  tx: UsersTx,
  config: Lifetimes,
  token: string,
  loadUser: (userId: string) => U | undefined,
  now = new Date(),
): RotateOutcome<U> {
  const row = tx
    .select()
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)))
    .get();
  if (!row) return { ok: false, refusal: "unknown" };
  const who = { userId: row.userId, familyId: row.familyId };
  if (row.revokedAt !== null) return { ok: false, refusal: "revoked", ...who };
  if (row.rotatedAt !== null) {
    revokeFamily(tx, row.familyId, now);
    return { ok: false, refusal: "reused", ...who };
  }
  if (Date.parse(row.expiresAt) <= now.getTime()) return { ok: false, refusal: "expired", ...who };
  const user = loadUser(row.userId);
  if (user === undefined) {
    revokeFamily(tx, row.familyId, now);
    return { ok: false, refusal: "account-gone", ...who };
  }
  // Guarded by `rotated_at IS NULL`: should two writers ever share this file, only one rotation wins.
  const claimed = tx
    .update(refreshTokens)
    .set({ rotatedAt: now.toISOString() })
    .where(and(eq(refreshTokens.tokenHash, row.tokenHash), isNull(refreshTokens.rotatedAt)))
    .run().changes;
  if (claimed !== 1) {
    revokeFamily(tx, row.familyId, now);
    return { ok: false, refusal: "reused", ...who };
  }
  const next = insertToken(tx, {
    familyId: row.familyId,
    userId: row.userId,
    now,
    expiresAt: expiryOf(now, config.REFRESH_TOKEN_TTL_SECONDS, row.sessionExpiresAt),
    sessionExpiresAt: row.sessionExpiresAt,
  });
  return { ok: true, user, ...who, next };
}

/** `endSession` revokes the family of a token (logout); `false` when there was no live session to end. */
export function endSession(tx: UsersTx, token: string, now = new Date()): boolean {
  const row = tx
    .select({ familyId: refreshTokens.familyId })
    .from(refreshTokens)
    .where(eq(refreshTokens.tokenHash, hashRefreshToken(token)))
    .get();
  return row ? revokeFamily(tx, row.familyId, now) > 0 : false;
}
