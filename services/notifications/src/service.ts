import type { ServiceDefinition } from "@bazaar/service-kit";
import { notificationsService } from "./declaration.js";
import { startDispatcher } from "./dispatcher.js";
import { onOrderCancelled } from "./events/order-cancelled.js";
import { onOrderConfirmed } from "./events/order-confirmed.js";
import { onOrderPlaced } from "./events/order-placed.js";
import { onPaymentFailed } from "./events/payment-failed.js";
import { onUserRegistered } from "./events/user-registered.js";
import { list } from "./rpc/list.js";
import { selectTransport } from "./transports/select-transport.js";
import type { Transport } from "./transports/transport.js";

export interface NotificationsServiceOptions {
  /** Delivers through this transport instead of the one `NOTIFY_TRANSPORT` names (tests pass their own). */
  readonly transport?: Transport;
}

/**
 * `createNotificationsService` is the notifications service, and the one place that lists what it serves
 * and the five events it consumes. Its dispatcher starts with it and stops before its database closes.
 */
export function createNotificationsService({
  transport,
}: NotificationsServiceOptions = {}): ServiceDefinition {
  return notificationsService.define({
    serves: [list],
    consumes: [onUserRegistered, onOrderPlaced, onOrderConfirmed, onOrderCancelled, onPaymentFailed],
    setup: (runtime) => {
      const { config, log } = runtime;
      const using = transport ?? selectTransport(config, log);
      const dispatcher = startDispatcher({
        db: runtime.db,
        transport: using,
        log,
        from: config.SMTP_FROM,
        pollMs: config.NOTIFY_POLL_MS,
        maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
        backoffMs: config.NOTIFY_BACKOFF_MS,
        backoffMaxMs: config.NOTIFY_BACKOFF_MAX_MS,
        sendTimeoutMs: config.NOTIFY_SEND_TIMEOUT_MS,
      });
      log.info({ transport: using.name }, "dispatcher started");
      return { dispatcher, transport: using, ownsTransport: !transport };
    },
    onStop: async (runtime, deps) => {
      const finished = await deps.dispatcher.stop(Math.min(5000, runtime.config.SHUTDOWN_TIMEOUT_MS));
      if (!finished)
        runtime.log.warn("a send was still running at shutdown; it is retried on the next start");
      // A transport passed in belongs to the caller; one made from config is closed here.
      if (deps.ownsTransport) await deps.transport.close?.();
    },
  });
}

/** The service as `main.ts` runs it, with the transport `NOTIFY_TRANSPORT` names. */
export const service = createNotificationsService();
