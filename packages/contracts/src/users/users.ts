import * as v from "valibot";
import { Email, Id, Timestamp } from "../common.js";
import { defineEvent, defineRpc } from "../define.js";
import { USERS_STREAM } from "../streams.js";

export const Role = v.picklist(["customer", "admin"]);
export type Role = v.InferOutput<typeof Role>;

export const Password = v.pipe(
  v.string(),
  v.minLength(10, "must be at least 10 characters"),
  v.maxLength(200, "must be at most 200 characters"),
);
const Name = v.pipe(v.string(), v.trim(), v.minLength(1, "must not be empty"), v.maxLength(100));

export const User = v.object({
  id: Id,
  email: v.pipe(v.string(), v.email()),
  name: v.string(),
  role: Role,
  createdAt: Timestamp,
});
export type User = v.InferOutput<typeof User>;

export const register = defineRpc({
  service: "users",
  name: "register",
  description: "Create a customer account (email unique, case-insensitive).",
  request: v.object({ email: Email, password: Password, name: Name }),
  response: User,
  errors: ["BAD_REQUEST", "CONFLICT"],
  command: true,
  // Password hashing is slow on purpose (scrypt); leave room for a busy machine.
  timeoutMs: 10_000,
});

export const getUser = defineRpc({
  service: "users",
  name: "get",
  description: "One user by id.",
  request: v.object({ userId: Id }),
  response: User,
  errors: ["NOT_FOUND"],
});

export const listUsers = defineRpc({
  service: "users",
  name: "list",
  description: "Every user, streamed in chunks (works for any number of users).",
  request: v.object({ role: v.optional(Role) }),
  response: User,
  streaming: true,
  timeoutMs: 10_000,
});

/** A public JSON Web Key (Ed25519). */
export const PublicJwk = v.object({
  kty: v.literal("OKP"),
  crv: v.literal("Ed25519"),
  x: v.string(),
  kid: v.string(),
  alg: v.literal("EdDSA"),
  use: v.literal("sig"),
});

export const jwks = defineRpc({
  service: "users",
  name: "jwks",
  description:
    "The public keys that verify access tokens (JWK set), for the gateway; rotation adds keys here first.",
  request: v.object({}),
  response: v.object({ keys: v.array(PublicJwk), issuer: v.string(), audience: v.string() }),
});

export const userRegistered = defineEvent({
  type: "user.registered",
  version: 1,
  publisher: "users",
  stream: USERS_STREAM,
  description: "A user account was created.",
  data: v.object({ userId: Id, email: v.string(), name: v.string(), role: Role }),
});
