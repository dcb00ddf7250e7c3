import { anonymousAs, loadAuthorization, passwordEnv } from "./authorization.js";
import { type BrokerCredentials, newCredentials } from "./credentials.js";
import { type BrokerPermissionsFile, loadPermissions } from "./permissions-file.js";

/** A broker's identities: the config that enforces them, the environment it needs, the credentials that pass it. */
export interface BrokerIdentities {
  /** nats-server config text: pass it as `startNatsServer({ authorization, env })`. */
  readonly authorization: string;
  /** The users' passwords, as the server process's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly credentials: BrokerCredentials;
  readonly permissions: BrokerPermissionsFile;
}

export interface BrokerIdentitiesOptions {
  /** Default: fresh random passwords for the operator and every service. */
  readonly credentials?: BrokerCredentials;
  /** A connection without credentials is refused (default), or acts as the operator (test brokers only). */
  readonly anonymous?: "refused" | "operator";
  readonly permissions?: BrokerPermissionsFile;
  readonly authorization?: string;
}

/**
 * `brokerIdentities` gives a new broker the committed server configuration (`pnpm broker:config`) and its
 * users: the operator and one per service, with fresh passwords unless given. Start the server with
 * `authorization` and `env`, then give each service `credentialsEnv(credentials.services[name])`.
 *
 * @example
 * const ids = brokerIdentities();
 * const server = await startNatsServer({ bin, storeDir, authorization: ids.authorization, env: ids.env });
 * const env = { NATS_URL: server.url, ...credentialsEnv(ids.credentials.services.orders) };
 */
export function brokerIdentities(options: BrokerIdentitiesOptions = {}): BrokerIdentities {
  const permissions = options.permissions ?? loadPermissions();
  const credentials =
    options.credentials ??
    newCredentials({
      operator: permissions.operator.user,
      services: permissions.services.map((s) => s.service),
    });
  const block = options.authorization ?? loadAuthorization();
  return {
    authorization:
      options.anonymous === "operator" ? `${block}${anonymousAs(permissions.operator.user)}` : block,
    env: passwordEnv(permissions, credentials),
    credentials,
    permissions,
  };
}
