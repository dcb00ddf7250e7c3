import { shouldSeed } from "./config.js";
import { usersService } from "./declaration.js";
import { getUser } from "./rpc/get-user.js";
import { jwks } from "./rpc/jwks.js";
import { listUsers } from "./rpc/list-users.js";
import { login } from "./rpc/login.js";
import { logout } from "./rpc/logout.js";
import { refresh } from "./rpc/refresh.js";
import { register } from "./rpc/register.js";
import { seedUsers } from "./seed.js";
import { ensureSigningKey } from "./signing-keys.js";

/** The users service: what it serves (it consumes no events), and what must hold before it serves. */
export const service = usersService.define({
  serves: [register, login, refresh, logout, getUser, listUsers, jwks],
  setup: async (runtime) => {
    const kid = await ensureSigningKey(runtime.transaction, runtime.config);
    runtime.log.info({ kid }, "signing key ready");
    if (shouldSeed(runtime.config)) {
      const added = await seedUsers(runtime.transaction, runtime.config, runtime.log);
      if (added > 0) runtime.log.info({ added }, "seeded the development accounts");
    }
  },
});
