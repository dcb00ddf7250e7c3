import { users } from "@bazaar/contracts";
import { usersService } from "../declaration.js";
import { endSession } from "../sessions.js";

/** `logout` revokes the token's family; it answers the same for a token it does not know (idempotent). */
export const logout = usersService.handle(users.logout, (input, ctx) => {
  const revoked = ctx.transaction((tx) => endSession(tx, input.refreshToken));
  return { revoked };
});
