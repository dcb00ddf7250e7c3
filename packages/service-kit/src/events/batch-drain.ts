import type { ConsumerMessages, JsMsg } from "@nats-io/jetstream";

export interface DrainOptions {
  readonly messages: ConsumerMessages;
  /** Most messages handed to `handle` at once. */
  readonly size: number;
  /**
   * True while nothing may be applied (paused, stopping, or storage failing). Messages read or queued then
   * are handed back at once (nak) instead of being applied, and the pull is ended.
   */
  readonly holding: () => boolean;
  /** Applies one batch; it runs one at a time. */
  readonly handle: (batch: JsMsg[]) => Promise<void>;
  /** A batch threw (e.g. an ack on a connection that just closed): its unacked messages come back later. */
  readonly onBatchError: (err: unknown, messages: number) => void;
}

/**
 * `drainInBatches` reads messages into a queue and applies whatever is queued as one batch (one
 * transaction), so a burst costs one commit while a lone message is applied at once. The reader waits
 * when the queue holds two batches, which bounds memory.
 *
 * Before each batch the worker asks `holding()`: a pause or a storage failure stops it from applying what
 * it had already queued, and those messages go back to the stream for later (or for another instance).
 */
export async function drainInBatches(o: DrainOptions): Promise<void> {
  const queue: JsMsg[] = [];
  let readerDone = false;
  let wakeWorker: (() => void) | undefined;
  let wakeReader: (() => void) | undefined;
  const handBack = (): void => {
    for (const msg of queue.splice(0)) msg.nak();
    wakeReader?.();
  };
  const worker = (async () => {
    for (;;) {
      if (queue.length === 0) {
        if (readerDone) return;
        await new Promise<void>((resolve) => {
          wakeWorker = resolve;
        });
        wakeWorker = undefined;
        continue;
      }
      if (o.holding()) {
        handBack();
        continue;
      }
      // Let the reader queue whatever already arrived with this message, so a burst is one batch.
      if (queue.length < o.size) await new Promise((resolve) => setImmediate(resolve));
      if (o.holding()) continue;
      const batch = queue.splice(0, o.size);
      try {
        await o.handle(batch);
      } catch (err) {
        o.onBatchError(err, batch.length);
      }
      wakeReader?.();
    }
  })();
  try {
    for await (const msg of o.messages) {
      if (o.holding()) {
        // The pull is ended first (so the message cannot come straight back here), then the message is
        // handed back at once for another instance instead of waiting for the ack timeout.
        o.messages.stop();
        msg.nak();
        continue;
      }
      queue.push(msg);
      wakeWorker?.();
      if (queue.length >= o.size * 2) {
        await new Promise<void>((resolve) => {
          wakeReader = resolve;
        });
        wakeReader = undefined;
      }
    }
  } finally {
    readerDone = true;
    wakeWorker?.();
    await worker;
  }
}
