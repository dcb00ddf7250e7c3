import * as v from "valibot";
import { Email } from "../common.js";
import { defineRpc } from "../define.js";
import { User } from "./users.js";

/**
 * A refresh token as users issues it: 32 random bytes in base64url (43 characters). Anything else is
 * refused as BAD_REQUEST before a lookup; the message never repeats what was sent.
 */
export const RefreshToken = v.pipe(
  v.string("must be a string"),
  v.regex(/^[A-Za-z0-9_-]{43}$/, "must be a refresh token issued by login or refresh"),
);

/** A short-lived access token and the user it names (services read `user`; the gateway drops it). */
export const Token = v.object({
  accessToken: v.string(),
  tokenType: v.literal("Bearer"),
  expiresIn: v.pipe(v.number(), v.integer()),
  user: User,
});

/** What login and refresh answer: an access token, plus the refresh token that gets the next one. */
export const Session = v.object({
  ...Token.entries,
  refreshToken: RefreshToken,
  /** Seconds until `refreshToken` expires (never past the session's absolute end). */
  refreshExpiresIn: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

export const login = defineRpc({
  service: "users",
  name: "login",
  description:
    "Check a password and start a session: a short-lived EdDSA access token and a refresh token (stored hashed).",
  request: v.object({ email: Email, password: v.pipe(v.string(), v.minLength(1), v.maxLength(200)) }),
  response: Session,
  errors: ["BAD_REQUEST", "UNAUTHORIZED"],
  // It stores the session's first refresh token; a retry starts another session, which is harmless.
  command: true,
  timeoutMs: 10_000,
});

export const refresh = defineRpc({
  service: "users",
  name: "refresh",
  description:
    "Trade a refresh token for a new access token (the user re-read: current role) and a rotated refresh token. Using an already-rotated token revokes its whole session.",
  request: v.object({ refreshToken: RefreshToken }),
  response: Session,
  errors: ["BAD_REQUEST", "UNAUTHORIZED"],
  // Not deduplicated by idempotency key on purpose: a stored answer would be a refresh token in plain text.
  command: true,
});

export const logout = defineRpc({
  service: "users",
  name: "logout",
  description:
    "Revoke the session a refresh token belongs to. Idempotent: an unknown, expired or revoked token changes nothing.",
  request: v.object({ refreshToken: RefreshToken }),
  response: v.object({ revoked: v.boolean() }),
  errors: ["BAD_REQUEST"],
  command: true,
});
