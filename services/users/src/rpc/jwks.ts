import { users } from "@bazaar/contracts";
import { usersService } from "../declaration.js";
import { publishedKeys } from "../signing-keys.js";

export const jwks = usersService.handle(users.jwks, (_input, ctx) => ({
  keys: publishedKeys(ctx.db, ctx.config),
  issuer: ctx.config.JWT_ISSUER,
  audience: ctx.config.JWT_AUDIENCE,
}));
