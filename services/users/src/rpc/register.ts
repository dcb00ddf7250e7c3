import { users as contracts } from "@bazaar/contracts";
import { registerAccount } from "../accounts.js";
import { users } from "../declaration.js";

/** Self-registration makes customers; admins come from the seed. A retry with the same key gets the first answer. */
export const register = users.handle(contracts.register, async (input, ctx) => {
  const user = await registerAccount(ctx.idempotent, { ...input, role: "customer" });
  ctx.log.info({ userId: user.id }, "user registered");
  return user;
});
