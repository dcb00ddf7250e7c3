import { ConfigError, type Logger } from "@bazaar/service-kit";
import type { NotificationsConfig } from "../declaration.js";
import { createSmtpTransport } from "./smtp-transport.js";
import { createStoreTransport } from "./store-transport.js";
import type { Transport } from "./transport.js";

/**
 * `selectTransport` builds the transport `NOTIFY_TRANSPORT` names. SMTP settings are checked here, at
 * start-up, because they only matter (and only become required) when SMTP is chosen.
 */
export function selectTransport(config: NotificationsConfig, log: Logger): Transport {
  if (config.NOTIFY_TRANSPORT === "store") return createStoreTransport({ log });
  if (!config.SMTP_HOST)
    throw new ConfigError("SMTP_HOST: required when NOTIFY_TRANSPORT=smtp", ["SMTP_HOST"]);
  if (config.SMTP_USER && !config.SMTP_PASSWORD)
    throw new ConfigError("SMTP_PASSWORD: required when SMTP_USER is set", ["SMTP_PASSWORD"]);
  return createSmtpTransport({
    host: config.SMTP_HOST,
    port: config.SMTP_PORT,
    user: config.SMTP_USER,
    password: config.SMTP_PASSWORD,
    from: config.SMTP_FROM,
    timeoutMs: config.NOTIFY_SEND_TIMEOUT_MS,
  });
}
