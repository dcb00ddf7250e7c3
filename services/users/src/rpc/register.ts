import { users } from "@bazaar/contracts";
import { registerAccount } from "../accounts.js";
import { usersService } from "../declaration.js";

/**
 * Self-registration makes customers; admins come from the seed. A retry with the same key gets the first
 * answer without hashing the password again; the key is held from the start, so a retry that arrives
 * while the first is still hashing is CONFLICT, and the key with any other field (the password included,
 * fingerprinted with salted scrypt, never stored) is UNPROCESSABLE.
 */
export const register = usersService.handle(users.register, (input, ctx) =>
  ctx.idempotently(async (commit) => {
    const user = await registerAccount(commit, { ...input, role: "customer" });
    ctx.log.info({ userId: user.id }, "user registered");
    return user;
  }),
);
