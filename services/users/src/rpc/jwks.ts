import { users as contracts } from "@bazaar/contracts";
import { users } from "../declaration.js";
import { publishedKeys } from "../signing-keys.js";

export const jwks = users.handle(contracts.jwks, (_input, ctx) => ({
  keys: publishedKeys(ctx.db, ctx.config),
  issuer: ctx.config.JWT_ISSUER,
  audience: ctx.config.JWT_AUDIENCE,
}));
