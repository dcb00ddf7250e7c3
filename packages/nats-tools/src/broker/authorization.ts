import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { NatsToolsError } from "../errors.js";
import type { BrokerCredentials } from "./credentials.js";
import type { BrokerPermissionsFile } from "./permissions-file.js";

/** The committed, generated server configuration that enforces the permissions (passwords from the environment). */
export const AUTHORIZATION_FILE = fileURLToPath(new URL("../../broker/authorization.conf", import.meta.url));

/** `loadAuthorization` reads the committed `authorization {}` block. */
export function loadAuthorization(file: string = AUTHORIZATION_FILE): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new NatsToolsError(`cannot read ${file}: run \`pnpm broker:config\``, { cause: err });
  }
}

/**
 * `passwordEnv` is the environment a broker started with the authorization block needs: each user's
 * password under its variable (`NATS_PASSWORD_ORDERS=...`). nats-server refuses to start when one is missing.
 */
export function passwordEnv(
  permissions: BrokerPermissionsFile,
  credentials: BrokerCredentials,
): Record<string, string> {
  const env: Record<string, string> = {
    [permissions.operator.passwordVariable]: credentials.operator.password,
  };
  for (const s of permissions.services) {
    const user = credentials.services[s.service];
    if (!user) throw new NatsToolsError(`no credentials for the NATS user of ${s.service}`);
    env[s.passwordVariable] = user.password;
  }
  return env;
}

/**
 * `anonymousAs` lets a connection without credentials act as `user` (nats-server `no_auth_user`). Only test
 * brokers use it, for the tests' own connections (as the operator); everywhere else anonymous is refused.
 */
export function anonymousAs(user: string): string {
  return `no_auth_user: ${JSON.stringify(user)}\n`;
}
