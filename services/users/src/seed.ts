import { ConflictError, type Logger } from "@bazaar/service-kit";
import { findByEmail, registerAccount } from "./accounts.js";
import type { UsersConfig, UsersTransaction } from "./declaration.js";

/** The development accounts, from config: an admin and a demo customer. */
export function seedAccounts(config: UsersConfig) {
  return [
    { email: config.ADMIN_EMAIL, password: config.ADMIN_PASSWORD, name: "Bazaar admin", role: "admin" },
    {
      email: config.CUSTOMER_EMAIL,
      password: config.CUSTOMER_PASSWORD,
      name: "Demo customer",
      role: "customer",
    },
  ] as const;
}

/**
 * `seedUsers` registers the development accounts that are missing, through the same path as the register
 * RPC (so each gets exactly one `user.registered`); running it again changes nothing, and an existing
 * account keeps its password even if the configured one changed. Returns how many it added.
 */
export async function seedUsers(run: UsersTransaction, config: UsersConfig, log: Logger): Promise<number> {
  let added = 0;
  for (const account of seedAccounts(config)) {
    const existing = run((tx) => findByEmail(tx, account.email));
    if (existing) {
      if (existing.role !== account.role)
        log.warn(
          { userId: existing.id, role: existing.role },
          `seed: ${account.role} email belongs to a ${existing.role}`,
        );
      continue;
    }
    try {
      await registerAccount(run, account);
      added++;
    } catch (err) {
      // Registered by someone else between the check and the insert: seeded all the same.
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  return added;
}
