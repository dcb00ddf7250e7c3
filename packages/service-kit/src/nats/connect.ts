import { readFileSync } from "node:fs";
import {
  type Authenticator,
  connect,
  credsAuthenticator,
  type NatsConnection,
  tokenAuthenticator,
  usernamePasswordAuthenticator,
} from "@nats-io/transport-node";
import type { Logger } from "pino";

export interface ConnectNatsOptions {
  /** One URL or a comma-separated list. */
  readonly servers: string;
  /** Shown by `nats server report connections`: `<service>:<instance>`. */
  readonly name: string;
  readonly log: Logger;
  readonly credsFile?: string | undefined;
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly token?: string | undefined;
  /**
   * Where this connection's replies arrive (`inboxPrefix(service)`): the broker lets a service subscribe to
   * its own inbox prefix only, so no other service can read its replies. Default `_INBOX` (tools, tests).
   */
  readonly inboxPrefix?: string | undefined;
}

/** A connection plus what readiness needs to know about it. */
export interface NatsLink {
  readonly nc: NatsConnection;
  /** False between a disconnect and the next reconnect. */
  connected(): boolean;
}

function authenticator(options: ConnectNatsOptions): Authenticator | undefined {
  if (options.credsFile) return credsAuthenticator(new Uint8Array(readFileSync(options.credsFile)));
  if (options.user) return usernamePasswordAuthenticator(options.user, options.password ?? "");
  if (options.token) return tokenAuthenticator(options.token);
  return undefined;
}

/**
 * `connectNats` connects for the life of the process: it waits for the first server, reconnects forever,
 * logs every status change, and skips the per-request stack capture nats.js does by default (it costs an
 * Error allocation per request on the hot path).
 */
export async function connectNats(options: ConnectNatsOptions): Promise<NatsLink> {
  const auth = authenticator(options);
  const nc = await connect({
    servers: options.servers.split(",").map((s) => s.trim()),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    waitOnFirstConnect: true,
    noAsyncTraces: true,
    ...(options.inboxPrefix ? { inboxPrefix: options.inboxPrefix } : {}),
    ...(auth ? { authenticator: auth } : {}),
  });
  let connected = true;
  options.log.info({ server: nc.getServer() }, "connected to NATS");
  void (async () => {
    for await (const status of nc.status()) {
      switch (status.type) {
        case "disconnect":
          connected = false;
          options.log.warn({ server: status.server }, "NATS disconnected");
          break;
        case "reconnect":
          connected = true;
          options.log.info({ server: status.server }, "NATS reconnected");
          break;
        case "reconnecting":
          options.log.debug("NATS reconnecting");
          break;
        case "ldm":
          options.log.warn({ server: status.server }, "NATS server entering lame duck mode");
          break;
        case "error":
          options.log.error({ err: status.error }, "NATS async error");
          break;
        case "slowConsumer":
          options.log.warn(
            { subject: status.sub.getSubject(), pending: status.pending },
            "NATS slow consumer",
          );
          break;
        case "staleConnection":
          options.log.warn("NATS stale connection");
          break;
        default:
          break;
      }
    }
  })();
  return { nc, connected: () => connected && !nc.isClosed() };
}
