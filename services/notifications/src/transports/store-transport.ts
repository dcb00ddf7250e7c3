import type { Logger } from "@bazaar/service-kit";
import type { Transport } from "./transport.js";

/**
 * `createStoreTransport` delivers nowhere: the notifications row is the record of the message (the
 * dispatcher marks it `sent`), and the log says who got what. The body is left out of the log: it can hold
 * personal details, and the row has it.
 */
export function createStoreTransport({ log }: { log: Logger }): Transport {
  return {
    name: "store",
    send: async (message) => {
      log.info(
        { notificationId: message.notificationId, to: message.to, subject: message.subject },
        "message stored (store transport)",
      );
      return { messageId: message.messageId };
    },
  };
}
