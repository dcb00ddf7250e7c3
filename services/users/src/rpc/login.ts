import { users } from "@bazaar/contracts";
import { authenticate } from "../accounts.js";
import { usersService } from "../declaration.js";
import { activeSigner } from "../signing-keys.js";
import { issueAccessToken } from "../tokens.js";

export const login = usersService.handle(users.login, async (input, ctx) => {
  const user = await authenticate(ctx.db, input.email, input.password);
  return issueAccessToken(await activeSigner(ctx.db, ctx.config), ctx.config, user);
});
