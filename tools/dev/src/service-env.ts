import { join } from "node:path";
import { type BrokerCredentials, credentialsEnv } from "@bazaar/nats-tools";

export type RunMode = "processes" | "monolith";

export interface ServiceEnvOptions {
  readonly name: string;
  readonly port: number;
  readonly natsUrl: string;
  readonly dataDir: string;
  readonly nodeEnv: "development" | "test";
  /** Extra variables for every service (e.g. faster retries in tests). */
  readonly extra?: Readonly<Record<string, string>>;
  /** Extra variables for this service only. */
  readonly own?: Readonly<Record<string, string>>;
}

/** `serviceEnv` is the environment one service runs with: the same in both run modes. */
export function serviceEnv(options: ServiceEnvOptions): Record<string, string> {
  return {
    NODE_ENV: options.nodeEnv,
    NATS_URL: options.natsUrl,
    HOST: "127.0.0.1",
    PORT: String(options.port),
    DATA_DIR: options.dataDir,
    DB_FILE: join(options.dataDir, `${options.name}.db`),
    ...options.extra,
    ...options.own,
  };
}

/**
 * `brokerEnvFor` is each service's broker identity as its own variables (`NATS_USER`, `NATS_PASSWORD`):
 * the user named after it, whose permissions its declaration sets. Pass it as (part of) `envFor`, so both
 * run modes connect every service as itself.
 */
export function brokerEnvFor(
  credentials: BrokerCredentials | undefined,
): Record<string, Record<string, string>> {
  if (!credentials) return {};
  return Object.fromEntries(
    Object.entries(credentials.services).map(([service, user]) => [service, credentialsEnv(user)]),
  );
}
