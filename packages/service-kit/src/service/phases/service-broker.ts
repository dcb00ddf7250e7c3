import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { sleep } from "../../events/backoff.js";
import type { Logger } from "../../logging/logger.js";
import { connectNats, type NatsLink } from "../../nats/connect.js";
import { inboxPrefix } from "../../permissions/inbox-prefix.js";
import type { ServiceDefinition } from "../types.js";
import type { ServiceConfig } from "./service-config.js";

export interface ServiceBroker {
  readonly link: NatsLink;
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** Drains (bounded: a dead broker must not hold the shutdown), then closes. */
  close(timeoutMs: number): Promise<void>;
}

/** `connectServiceBroker` connects as the service's own broker user, its replies on its own inbox prefix. */
export async function connectServiceBroker(
  def: ServiceDefinition,
  config: ServiceConfig,
  log: Logger,
): Promise<ServiceBroker> {
  const link = await connectNats({
    servers: config.NATS_URL,
    name: `${def.name}:${config.INSTANCE_ID}`,
    log,
    credsFile: config.NATS_CREDS,
    user: config.NATS_USER,
    password: config.NATS_PASSWORD,
    token: config.NATS_TOKEN,
    inboxPrefix: inboxPrefix(def.name),
  });
  const nc = link.nc;
  return {
    link,
    nc,
    js: jetstream(nc),
    jsm: await jetstreamManager(nc, { checkAPI: false }),
    async close(timeoutMs) {
      try {
        await Promise.race([nc.drain(), sleep(Math.min(5000, timeoutMs))]);
      } catch (err) {
        log.debug({ err }, "drain failed");
      }
      if (!nc.isClosed()) await nc.close();
    },
  };
}
