import type { EventEnvelope } from "@bazaar/contracts";
import { DeliverPolicy, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";

export interface ReplaySource {
  readonly stream: string;
  /** Subjects to read from that stream (default: all). */
  readonly subjects?: readonly string[];
}

export interface ReplayProgress {
  readonly stream: string;
  readonly processed: number;
  readonly total: number;
}

export interface ReplayEventsOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly sources: readonly ReplaySource[];
  /** Called for each message, in stream order; awaited before the next. */
  readonly onEvent: (
    envelope: EventEnvelope,
    meta: { stream: string; seq: number; subject: string },
  ) => void | Promise<void>;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Progress is reported every `progressEvery` messages (default 500) and at the end. */
  readonly progressEvery?: number;
  readonly signal?: AbortSignal;
}

/**
 * `replayEvents` reads the given streams from their first message with ordered consumers (ephemeral, no
 * acks, gap-free), and stops once it has caught up with what the streams held when it started. Read
 * models use it to rebuild themselves.
 */
export async function replayEvents(
  options: ReplayEventsOptions,
): Promise<{ processed: number; total: number; skipped: number }> {
  let processed = 0;
  let total = 0;
  let skipped = 0;
  const every = options.progressEvery ?? 500;
  for (const source of options.sources) {
    const info = await options.jsm.streams.info(source.stream);
    const lastSeq = info.state.last_seq;
    if (info.state.messages === 0) continue;
    const consumer = await options.js.consumers.get(source.stream, {
      deliver_policy: DeliverPolicy.All,
      ...(source.subjects?.length ? { filter_subjects: [...source.subjects] } : {}),
    });
    const first = await consumer.info();
    let streamTotal = first.num_pending;
    total += streamTotal;
    let streamDone = 0;
    if (streamTotal === 0) continue;
    const messages = await consumer.consume();
    try {
      for await (const m of messages) {
        if (options.signal?.aborted) break;
        let envelope: EventEnvelope | undefined;
        try {
          envelope = m.json<EventEnvelope>();
        } catch {
          // Not JSON: its consumers dead-lettered it; a replay skips it rather than fail the whole run.
          skipped++;
        }
        if (envelope)
          await options.onEvent(envelope, { stream: source.stream, seq: m.seq, subject: m.subject });
        processed++;
        streamDone++;
        if (streamDone > streamTotal) {
          total += streamDone - streamTotal;
          streamTotal = streamDone;
        }
        if (processed % every === 0) options.onProgress?.({ stream: source.stream, processed, total });
        // Caught up with the stream as it was when the replay started (or with everything, whichever first).
        if (m.info.pending === 0 || m.seq >= lastSeq) break;
      }
    } finally {
      messages.stop();
    }
    options.onProgress?.({ stream: source.stream, processed, total });
  }
  return { processed, total, skipped };
}
