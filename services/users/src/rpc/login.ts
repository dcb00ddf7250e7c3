import { users as contracts } from "@bazaar/contracts";
import { authenticate } from "../accounts.js";
import { users } from "../declaration.js";
import { activeSigner } from "../signing-keys.js";
import { issueAccessToken } from "../tokens.js";

export const login = users.handle(contracts.login, async (input, ctx) => {
  const user = await authenticate(ctx.db, input.email, input.password);
  return issueAccessToken(await activeSigner(ctx.db, ctx.config), ctx.config, user);
});
