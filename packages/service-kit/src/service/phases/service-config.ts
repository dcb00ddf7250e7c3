import { type KitConfig, kitEnv } from "../../config/kit-config.js";
import { ConfigError, loadConfig } from "../../config/load-config.js";
import { createLogger, type Logger } from "../../logging/logger.js";
import type { ServiceDefinition } from "../types.js";

export type ServiceConfig = KitConfig & Record<string, unknown>;

/**
 * `loadServiceConfig` reads the kit's and the service's variables, then the service's rules across
 * them: everything wrong is reported at once, before anything is opened.
 */
export function loadServiceConfig(
  def: ServiceDefinition,
  env: Readonly<Record<string, string | undefined>>,
): ServiceConfig {
  const config: ServiceConfig = loadConfig({ ...kitEnv, ...def.config }, env);
  const problems = def.validateConfig?.(config) ?? [];
  if (problems.length > 0) {
    throw new ConfigError(
      `invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`,
      problems.map((p) => p.split(":")[0] ?? p),
    );
  }
  return config;
}

/** `serviceLogger` logs as the service's instance, pretty in development unless told otherwise. */
export function serviceLogger(
  def: ServiceDefinition,
  config: ServiceConfig,
  destination: NodeJS.WritableStream | undefined,
): Logger {
  return createLogger({
    service: def.name,
    instance: config.INSTANCE_ID,
    level: config.LOG_LEVEL,
    pretty:
      config.LOG_FORMAT === "pretty" || (config.LOG_FORMAT === "auto" && config.NODE_ENV === "development"),
    ...(destination ? { destination } : {}),
  });
}
