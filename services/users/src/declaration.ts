import { users } from "@bazaar/contracts";
import {
  type ConfigFor,
  declareService,
  type Emitter,
  type Queryable,
  type TransactionFn,
} from "@bazaar/service-kit";
import { productionProblems, usersEnv } from "./config.js";
import { schema } from "./db/schema.js";

/** What users owns, emits and needs: its single source of truth. */
export const usersService = declareService({
  name: "users",
  version: "1.0.0",
  description: "Accounts, passwords, roles, EdDSA access tokens and the JWK set that verifies them",
  store: { schema, migrations: new URL("../drizzle", import.meta.url) },
  emits: [users.userRegistered],
  config: usersEnv,
  validateConfig: productionProblems,
});

export type UsersTx = Queryable<typeof schema>;
export type UsersOutbox = Emitter<(typeof usersService.emits)[number]>;
export type UsersConfig = ConfigFor<typeof usersEnv>;
/** `runtime.transaction` at start-up, `ctx.transaction` or the `commit` of `ctx.idempotently` in a handler. */
export type UsersTransaction = TransactionFn<typeof schema, (typeof usersService.emits)[number]>;
