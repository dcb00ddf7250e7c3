import { join } from "node:path";

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
