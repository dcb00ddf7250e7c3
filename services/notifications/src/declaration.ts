import {
  type ConfigFor,
  declareService,
  enumVar,
  intVar,
  optionalStringVar,
  type Queryable,
  stringVar,
} from "@bazaar/service-kit";
import { schema } from "./db/schema.js";
import type { Dispatcher } from "./dispatcher.js";
import type { Transport } from "./transports/transport.js";

const SECOND = 1000;

/** What notifications owns and needs: its single source of truth. It calls nobody and emits nothing. */
const declaration = declareService({
  name: "notifications",
  version: "1.0.0",
  description: "One message per event to the user it concerns, through a pluggable transport",
  store: { schema, migrations: new URL("../drizzle", import.meta.url) },
  // By order id, like the events its messages come from; every partition learns every address.
  partitioned: true,
  config: {
    /** `store` keeps messages in SQLite and logs them (development); `smtp` sends real email. */
    NOTIFY_TRANSPORT: enumVar(["store", "smtp"], "store"),
    /** How often the dispatcher looks for messages to deliver. */
    NOTIFY_POLL_MS: intVar(500, 10, 60 * SECOND),
    /** Send attempts per message before it is marked `failed`. */
    NOTIFY_MAX_ATTEMPTS: intVar(5, 1, 100),
    /** A registration older than this gets no welcome (it is history, read to learn the address). */
    NOTIFY_WELCOME_MAX_AGE_MS: intVar(24 * 60 * 60 * SECOND, 0, 365 * 24 * 60 * 60 * SECOND),
    /** First retry delay after a failed send; doubles with each attempt up to the max. */
    NOTIFY_BACKOFF_MS: intVar(1 * SECOND, 1, 60 * 60 * SECOND),
    NOTIFY_BACKOFF_MAX_MS: intVar(5 * 60 * SECOND, 1, 24 * 60 * 60 * SECOND),
    /** A send taking longer counts as failed (and is retried: the Message-ID lets the receiver dedupe). */
    NOTIFY_SEND_TIMEOUT_MS: intVar(30 * SECOND, 100, 10 * 60 * SECOND),
    /** Required with `NOTIFY_TRANSPORT=smtp`. */
    SMTP_HOST: optionalStringVar(),
    /** 465 means implicit TLS; any other port upgrades with STARTTLS when the server offers it. */
    SMTP_PORT: intVar(587, 1, 65535),
    SMTP_USER: optionalStringVar(),
    SMTP_PASSWORD: optionalStringVar(),
    SMTP_FROM: stringVar("Bazaar <no-reply@bazaar.local>"),
  },
});

export type NotificationsDb = Queryable<typeof schema>;
export type NotificationsConfig = ConfigFor<typeof declaration.config>;

/** What a running notifications instance keeps (`ctx.deps`): its dispatcher and the transport it sends with. */
export interface NotificationsDeps {
  readonly dispatcher: Dispatcher;
  readonly transport: Transport;
  /** Made from config (and closed at stop), not passed in by the caller. */
  readonly ownsTransport: boolean;
}

export const notificationsService = declaration.withDeps<NotificationsDeps>();
