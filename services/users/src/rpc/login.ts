import { users } from "@bazaar/contracts";
import { authenticate } from "../accounts.js";
import { usersService } from "../declaration.js";
import { startSession } from "../sessions.js";
import { activeSigner } from "../signing-keys.js";
import { issueAccessToken } from "../tokens.js";

/** A correct password starts a session: the family's first refresh token is stored, then the access token signed. */
export const login = usersService.handle(users.login, async (input, ctx) => {
  const user = await authenticate(ctx.db, input.email, input.password);
  const signer = await activeSigner(ctx.db, ctx.config);
  const refresh = ctx.transaction((tx) => startSession(tx, ctx.config, user.id));
  return { ...(await issueAccessToken(signer, ctx.config, user)), ...refresh };
});
