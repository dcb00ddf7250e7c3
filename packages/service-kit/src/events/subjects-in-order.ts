import { type ConsumerMessages, DeliverPolicy, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";

/** One subject's ordered consumer and the message it holds next. */
interface Source {
  readonly messages: ConsumerMessages;
  readonly iterator: AsyncIterator<JsMsg>;
  head: JsMsg | undefined;
}

export interface SubjectsInOrder {
  /** The messages waiting on the subjects when the read started (the progress total). */
  readonly pending: number;
  /** Every message of the subjects up to `lastSeq`, in stream order. */
  readonly messages: AsyncIterable<JsMsg>;
  /** Stops every consumer (also when the iteration ended early). */
  stop(): void;
}

/**
 * `readSubjectsInOrder` reads several subjects of a stream in stream order, up to `lastSeq`: one ordered
 * consumer per subject (each filtered on one subject), merged by sequence. One consumer filtered on several
 * subjects would be simpler, but the client creates that one through the JetStream API subject that names
 * no consumer, and a broker that lets a service use it lets it rewrite any consumer of the stream, another
 * service's durable included; a one-subject ordered consumer is created through a subject that names it.
 */
export async function readSubjectsInOrder(options: {
  readonly js: JetStreamClient;
  readonly stream: string;
  readonly subjects: readonly string[];
  readonly lastSeq: number;
}): Promise<SubjectsInOrder> {
  const { js, stream, lastSeq } = options;
  const sources: Source[] = [];
  let pending = 0;
  const stop = (): void => {
    for (const s of sources) s.messages.stop();
  };
  try {
    for (const subject of options.subjects) {
      // A plain string: a one-subject filter, created through the subject that names the consumer.
      const consumer = await js.consumers.get(stream, {
        deliver_policy: DeliverPolicy.All,
        filter_subjects: subject,
      });
      const waiting = (await consumer.info()).num_pending;
      if (waiting === 0) continue;
      pending += waiting;
      const messages = await consumer.consume();
      sources.push({ messages, iterator: messages[Symbol.asyncIterator](), head: undefined });
    }
  } catch (err) {
    stop();
    throw err;
  }

  // A source is done after the last message it held at the start, or the stream's last one then.
  const advance = async (source: Source): Promise<void> => {
    const last = source.head;
    if (last && (last.info.pending === 0 || last.seq >= lastSeq)) {
      source.head = undefined;
      return;
    }
    const next = await source.iterator.next();
    source.head = next.done || next.value.seq > lastSeq ? undefined : next.value;
  };

  async function* merged(): AsyncGenerator<JsMsg> {
    await Promise.all(sources.map(advance));
    for (;;) {
      let first: Source | undefined;
      for (const s of sources) {
        if (s.head && (!first?.head || s.head.seq < first.head.seq)) first = s;
      }
      if (!first?.head) return;
      yield first.head;
      await advance(first);
    }
  }

  return { pending, messages: merged(), stop };
}
