import { setTimeout as delay } from "node:timers/promises";
import { type Logger, retryDelay } from "@bazaar/service-kit";
import type { NotificationsDb } from "./declaration.js";
import { type DueMessage, markAttemptFailed, markSent, nextDue } from "./delivery.js";
import { messageIdFor, type Transport } from "./transports/transport.js";

export interface DispatcherOptions {
  readonly db: NotificationsDb;
  readonly transport: Transport;
  readonly log: Logger;
  /** The sender address; its domain names the Message-IDs. */
  readonly from: string;
  readonly pollMs: number;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly backoffMaxMs: number;
  readonly sendTimeoutMs: number;
}

export interface Dispatcher {
  /** Stops after the send in progress, if any; false if it was still running after `timeoutMs`. */
  stop(timeoutMs: number): Promise<boolean>;
}

/**
 * `startDispatcher` delivers pending messages one at a time, oldest first, outside any transaction: the
 * handlers only commit rows, and this loop sends them and records the outcome. It polls every `pollMs`
 * while there is nothing to do (handlers run inside the kit's transaction and have no way to signal a
 * commit; one indexed query per poll is cheap). A message may be sent twice if the process dies between the
 * send and its record; the stable Message-ID lets the receiving side drop the copy.
 */
export function startDispatcher(options: DispatcherOptions): Dispatcher {
  const { log } = options;
  let stopped = false;
  const nap = new AbortController();

  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      let pause = options.pollMs;
      try {
        const message = nextDue(options.db, Date.now());
        if (message) {
          await deliver(options, message);
          pause = 0;
        }
        failures = 0;
      } catch (err) {
        // SQLite failing (or closed under an abandoned send at shutdown). Backing off matters: if writes fail
        // after a send, the same message is due again, and must not be resent in a tight loop.
        failures++;
        pause = retryDelay(failures, options.backoffMs, options.backoffMaxMs);
        if (!stopped) log.error({ err, retryInMs: pause }, "dispatcher failed; trying again");
      }
      if (pause > 0 && !stopped) await delay(pause, undefined, { signal: nap.signal }).catch(() => {});
    }
  })();

  return {
    async stop(timeoutMs) {
      stopped = true;
      nap.abort();
      const timer = new AbortController();
      const finished = await Promise.race([
        loop.then(() => true),
        delay(timeoutMs, false, { signal: timer.signal }).catch(() => false),
      ]);
      timer.abort();
      return finished;
    },
  };
}

async function deliver(options: DispatcherOptions, message: DueMessage): Promise<void> {
  const { log, db } = options;
  const outgoing = {
    notificationId: message.id,
    messageId: messageIdFor(message.id, options.from),
    to: message.to,
    subject: message.subject,
    body: message.body,
  };
  let sent: { messageId: string } | { error: unknown };
  try {
    sent = await withTimeout(options.transport.send(outgoing), options.sendTimeoutMs);
  } catch (error) {
    sent = { error };
  }
  if ("messageId" in sent) {
    markSent(db, message.id, sent.messageId);
    log.debug({ notificationId: message.id, transport: options.transport.name }, "message sent");
    return;
  }
  const attempt = message.attempts + 1;
  const retryInMs = retryDelay(attempt, options.backoffMs, options.backoffMaxMs);
  const error = sent.error instanceof Error ? sent.error.message : String(sent.error);
  const outcome = markAttemptFailed(db, {
    message,
    error,
    maxAttempts: options.maxAttempts,
    retryAt: Date.now() + retryInMs,
  });
  const context = { notificationId: message.id, attempt, error };
  if (outcome === "failed") log.error(context, "message failed: no attempts left");
  else log.warn({ ...context, retryInMs }, "send failed; will retry");
}

/** A send that hangs counts as failed; the promise itself is abandoned (it cannot be cancelled). */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      promise,
      delay(ms, undefined, { signal: timer.signal }).then(() => {
        throw new Error(`send timed out after ${ms} ms`);
      }),
    ]);
  } finally {
    timer.abort();
  }
}
