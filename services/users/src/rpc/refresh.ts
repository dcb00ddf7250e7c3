import { users } from "@bazaar/contracts";
import { UnauthorizedError } from "@bazaar/service-kit";
import { findUser } from "../accounts.js";
import { usersService } from "../declaration.js";
import { rotateSession } from "../sessions.js";
import { activeSigner } from "../signing-keys.js";
import { issueAccessToken } from "../tokens.js";

/**
 * `refresh` rotates the refresh token and signs an access token for the account as it is now (its current
 * role; none if it was deleted). Every refusal is the same UNAUTHORIZED, so a caller cannot tell a
 * guessed token from a revoked one; the log says which it was.
 */
export const refresh = usersService.handle(users.refresh, async (input, ctx) => {
  // The key is read first: once the old token is rotated, a failure here would leave the client without either.
  const signer = await activeSigner(ctx.db, ctx.config);
  const outcome = ctx.transaction((tx) =>
    rotateSession(tx, ctx.config, input.refreshToken, (userId) => findUser(tx, userId)),
  );
  if (!outcome.ok) {
    const fields = { refusal: outcome.refusal, userId: outcome.userId, familyId: outcome.familyId };
    if (outcome.refusal === "reused")
      ctx.log.warn(fields, "refresh token used again after rotation: the session is revoked");
    else ctx.log.info(fields, "refresh refused");
    throw new UnauthorizedError("the refresh token is not valid", { reason: "INVALID_REFRESH_TOKEN" });
  }
  return { ...(await issueAccessToken(signer, ctx.config, outcome.user)), ...outcome.next };
});
