import { DeliverPolicy, type JetStreamClient } from "@nats-io/jetstream";
import type { MsgHdrs } from "@nats-io/transport-node";

/** A dead-letter stream message as read, before it is decoded. */
export interface RawLetter {
  readonly seq: number;
  readonly headers: MsgHdrs | undefined;
  readonly data: Uint8Array;
  readonly time: Date;
}

export interface ReadRangeOptions {
  readonly js: JetStreamClient;
  readonly stream: string;
  /** Subject filter, e.g. `dlq.>` or `dlq.<service>.>`. */
  readonly filter: string;
  readonly fromSeq: number;
  readonly toSeq: number;
  /** Called in stream order; returning `false` stops the read. */
  readonly visit: (letter: RawLetter) => boolean | undefined;
}

/**
 * `readRange` reads the messages of `[fromSeq, toSeq]` matching `filter` with one ordered consumer
 * (ephemeral, flow-controlled, gap-free): the server streams them in batches, instead of one request per
 * sequence number, and skips deleted sequences and other subjects itself.
 */
export async function readRange(o: ReadRangeOptions): Promise<void> {
  if (o.toSeq < o.fromSeq) return;
  const consumer = await o.js.consumers.get(o.stream, {
    deliver_policy: DeliverPolicy.StartSequence,
    opt_start_seq: Math.max(1, o.fromSeq),
    // A plain string: a one-subject filter that servers before 2.10 accept too.
    filter_subjects: o.filter,
  });
  if ((await consumer.info()).num_pending === 0) return;
  const messages = await consumer.consume({ max_messages: 256 });
  try {
    for await (const m of messages) {
      if (m.seq > o.toSeq) break;
      if (o.visit({ seq: m.seq, headers: m.headers, data: m.data, time: m.time }) === false) break;
      if (m.info.pending === 0 || m.seq >= o.toSeq) break;
    }
  } finally {
    messages.stop();
  }
}

/**
 * `readNewest` collects up to `limit` matching messages, newest first, reading windows backwards from
 * `lastSeq` (each window four times the previous one, so a sparse filter costs a few reads, not one per
 * sequence). `pick` decodes and filters what the subject filter cannot (undefined: skip the message).
 */
export async function readNewest<T = RawLetter>(
  o: Omit<ReadRangeOptions, "fromSeq" | "toSeq" | "visit"> & {
    readonly firstSeq: number;
    readonly lastSeq: number;
    readonly limit: number;
    readonly pick?: (letter: RawLetter) => T | undefined;
  },
): Promise<T[]> {
  const pick = o.pick ?? ((letter: RawLetter) => letter as T);
  const out: T[] = [];
  let hi = o.lastSeq;
  let size = Math.max(o.limit, 64);
  while (out.length < o.limit && hi >= o.firstSeq) {
    const lo = Math.max(o.firstSeq, hi - size + 1);
    const chunk: T[] = [];
    await readRange({
      js: o.js,
      stream: o.stream,
      filter: o.filter,
      fromSeq: lo,
      toSeq: hi,
      visit: (letter) => {
        const picked = pick(letter);
        if (picked !== undefined) chunk.push(picked);
        return undefined;
      },
    });
    out.push(...chunk.reverse());
    hi = lo - 1;
    size *= 4;
  }
  return out.slice(0, o.limit);
}

/**
 * `readBatches` yields the messages of `[fromSeq, toSeq]` matching `filter` in stream order, `batchSize`
 * at a time, so a caller can act on each batch (and wait) before the next is read: memory stays one batch
 * however long the stream is.
 */
export async function* readBatches(
  o: Omit<ReadRangeOptions, "visit"> & { readonly batchSize: number },
): AsyncGenerator<RawLetter[]> {
  let from = o.fromSeq;
  while (from <= o.toSeq) {
    const batch: RawLetter[] = [];
    await readRange({
      ...o,
      fromSeq: from,
      visit: (letter) => {
        batch.push(letter);
        return batch.length < o.batchSize ? undefined : false;
      },
    });
    const last = batch.at(-1);
    if (!last) return;
    yield batch;
    from = last.seq + 1;
  }
}
