import { join } from "node:path";
import { edgeService } from "@bazaar/topology";
import type { Broker } from "./broker.js";
import { serviceSecrets } from "./dev-secrets.js";

/** The one public door (the registry's edge service): the client speaks only to it. */
export const GATEWAY: string = edgeService().name;

/**
 * The gateway's rate limits, raised for the harness: its clients all come from 127.0.0.1, and its per-IP
 * limit on `/api/auth/*` (10 a minute) would refuse the harness's registrations and logins. Every other
 * setting is the production default.
 */
export const HARNESS_GATEWAY_ENV = {
  RATE_LIMIT_USER: "1000000",
  RATE_LIMIT_ANONYMOUS: "1000000",
  RATE_LIMIT_AUTH: "1000000",
} as const;

export interface ServiceEnvOptions {
  readonly root: string;
  readonly name: string;
  readonly port: number;
  readonly dataDir: string;
  readonly broker: Broker;
  /** This run's own settings for this service. */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * `serviceEnv` is a service's whole environment, as its production manifests give it: `NODE_ENV=production`,
 * the broker and its own NATS user, its own port and data folder, JSON logs, replicas matching the broker,
 * and the Secrets its manifests read (resolved from the dev overlay; the NATS password is this broker's).
 */
export function serviceEnv(options: ServiceEnvOptions): Record<string, string> {
  return {
    ...serviceSecrets(options.root, options.name),
    NODE_ENV: "production",
    NATS_URL: options.broker.url,
    ...options.broker.credentialsFor(options.name),
    HOST: "127.0.0.1",
    PORT: String(options.port),
    DATA_DIR: options.dataDir,
    DB_FILE: join(options.dataDir, `${options.name}.db`),
    JS_REPLICAS: String(options.broker.replicas),
    LOG_FORMAT: "json",
    // The admin account the client uses (users seeds it with the Secret's password).
    SEED: "true",
    ...(options.name === GATEWAY ? HARNESS_GATEWAY_ENV : {}),
    ...options.extra,
  };
}
