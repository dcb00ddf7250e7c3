import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** A NATS user and its password. */
export interface NatsUser {
  readonly user: string;
  readonly password: string;
}

/** The operator's user and one user per service. */
export interface BrokerCredentials {
  readonly operator: NatsUser;
  readonly services: Readonly<Record<string, NatsUser>>;
}

/**
 * 24 random bytes as `p` + hex. nats-server parses a variable's value as a config value, so a password must
 * read as a plain string there: a leading digit or `-` would be taken for a number, a leading `$2` for a
 * bcrypt hash.
 */
function newPassword(): string {
  return `p${randomBytes(24).toString("hex")}`;
}

/** `newCredentials` makes fresh random passwords for the operator and each service. */
export function newCredentials(options: {
  operator: string;
  services: readonly string[];
}): BrokerCredentials {
  return {
    operator: { user: options.operator, password: newPassword() },
    services: Object.fromEntries(options.services.map((s) => [s, { user: s, password: newPassword() }])),
  };
}

/**
 * `loadOrCreateCredentials` keeps a broker's credentials in a (git-ignored) file: the ones there stay,
 * a service that has none yet gets a new password, and the file is written with mode 0600.
 */
export function loadOrCreateCredentials(options: {
  file: string;
  operator: string;
  services: readonly string[];
}): BrokerCredentials {
  let known: Partial<BrokerCredentials> & { text?: string } = {};
  try {
    const text = readFileSync(options.file, "utf8");
    known = { ...(JSON.parse(text) as Partial<BrokerCredentials>), text };
  } catch {
    // missing or unreadable: start afresh
  }
  const fresh = newCredentials(options);
  const operator =
    known.operator?.user === options.operator && typeof known.operator.password === "string"
      ? known.operator
      : fresh.operator;
  const services = Object.fromEntries(
    options.services.map((s) => {
      const have = known.services?.[s];
      return [s, have?.user === s && typeof have.password === "string" ? have : fresh.services[s]];
    }),
  ) as Record<string, NatsUser>;
  const credentials = { operator, services };
  const text = `${JSON.stringify(credentials, null, 2)}\n`;
  if (text !== known.text) {
    mkdirSync(dirname(options.file), { recursive: true });
    writeFileSync(options.file, text, { mode: 0o600 });
    chmodSync(options.file, 0o600);
  }
  return credentials;
}

/** `credentialsEnv` is the environment a service connects with: `NATS_USER` and `NATS_PASSWORD`. */
export function credentialsEnv(user: NatsUser): { NATS_USER: string; NATS_PASSWORD: string } {
  return { NATS_USER: user.user, NATS_PASSWORD: user.password };
}
