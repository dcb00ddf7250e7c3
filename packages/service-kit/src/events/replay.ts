import { type EventContract, type EventEnvelope, eventSubjectOf } from "@bazaar/contracts";
import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import * as v from "valibot";
import { toIssues } from "../errors/validation.js";
import { envelopeValidator } from "./envelope.js";
import { consumeFilter } from "./event-subjects.js";
import { readSubjectsInOrder } from "./subjects-in-order.js";

export interface ReplayProgress {
  readonly stream: string;
  readonly processed: number;
  readonly total: number;
}

/** Where a replayed message sits in its stream. */
export interface ReplayMeta {
  readonly stream: string;
  readonly seq: number;
  readonly subject: string;
}

/** A message the replay left out, and why (field paths and rules only: never the values). */
export interface SkippedMessage extends ReplayMeta {
  readonly reason: string;
}

/**
 * What a stream held when the replay finished. Its history is complete only when its first message is
 * still there (`firstSeq` ≤ 1): once max age or max bytes removed any message, `firstSeq` moves past 1,
 * even when every message is gone (`messages` 0, `firstSeq` = `lastSeq` + 1).
 */
export interface ReplayedStream {
  readonly stream: string;
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly messages: number;
  readonly complete: boolean;
}

export interface ReplayEventsOptions {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  /** The events to replay; read from their streams, each message validated against its contract. */
  readonly events: readonly EventContract[];
  /** Called for each valid message, in stream order; awaited before the next. */
  readonly onEvent: (
    envelope: EventEnvelope,
    meta: ReplayMeta & { event: EventContract },
  ) => void | Promise<void>;
  /** Called for each message that is not JSON or fails its contract; the replay goes on without it. */
  readonly onSkip?: (skipped: SkippedMessage) => void;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Progress is reported every `progressEvery` messages (default 500) and at the end. */
  readonly progressEvery?: number;
  readonly signal?: AbortSignal;
  /** The system's partition count (`PARTITIONS`, default 1): keyed events are read on their partitions' subjects. */
  readonly partitions?: number;
  /** Only this partition's events (a partition of a partitioned service rebuilding its own file). */
  readonly partition?: number;
}

export interface ReplayEventsResult {
  /** Messages read, skipped ones included. */
  readonly processed: number;
  readonly total: number;
  readonly skipped: number;
  readonly streams: readonly ReplayedStream[];
  /** Every stream still held its whole history. */
  readonly complete: boolean;
}

/**
 * `replayEvents` reads the streams of the given events from their first message with ordered consumers
 * (ephemeral, no acks, gap-free), and stops once it has caught up with what the streams held when it
 * started. Every message is validated against its contract, as a live consumer would: one that fails is
 * skipped and reported (its consumers dead-lettered it), so one bad message never stops a rebuild. Read
 * models use it to rebuild themselves; `complete` says whether the streams still held all their history.
 */
export async function replayEvents(options: ReplayEventsOptions): Promise<ReplayEventsResult> {
  const counts = { processed: 0, total: 0, skipped: 0 };
  const streams: ReplayedStream[] = [];
  for (const [stream, events] of byStream(options)) {
    await readStream(options, stream, events, counts);
    streams.push(await historyOf(options.jsm, stream));
  }
  return { ...counts, streams, complete: streams.every((s) => s.complete) };
}

async function readStream(
  options: ReplayEventsOptions,
  stream: string,
  events: ReadonlyMap<string, EventContract>,
  counts: { processed: number; total: number; skipped: number },
): Promise<void> {
  const every = options.progressEvery ?? 500;
  const info = await options.jsm.streams.info(stream);
  const lastSeq = info.state.last_seq;
  if (info.state.messages === 0) return;
  const filters = [...events.values()].map((e) =>
    consumeFilter(e, options.partitions ?? 1, options.partition),
  );
  const read = await readSubjectsInOrder({ js: options.js, stream, subjects: filters, lastSeq });
  let streamTotal = read.pending;
  counts.total += streamTotal;
  if (streamTotal === 0) {
    read.stop();
    return;
  }
  let streamDone = 0;
  try {
    for await (const m of read.messages) {
      if (options.signal?.aborted) break;
      const meta = { stream, seq: m.seq, subject: m.subject };
      const checked = check(m, events);
      if ("reason" in checked) {
        counts.skipped++;
        options.onSkip?.({ ...meta, reason: checked.reason });
      } else await options.onEvent(checked.envelope, { ...meta, event: checked.event });
      counts.processed++;
      streamDone++;
      if (streamDone > streamTotal) {
        counts.total += streamDone - streamTotal;
        streamTotal = streamDone;
      }
      if (counts.processed % every === 0)
        options.onProgress?.({ stream, processed: counts.processed, total: counts.total });
    }
  } finally {
    read.stop();
  }
  options.onProgress?.({ stream, processed: counts.processed, total: counts.total });
}

/** The contracts to replay, grouped by stream and keyed by their contract subject. */
function byStream(options: ReplayEventsOptions): Map<string, Map<string, EventContract>> {
  const streams = new Map<string, Map<string, EventContract>>();
  for (const event of options.events) {
    const subjects = streams.get(event.stream.name) ?? new Map<string, EventContract>();
    subjects.set(event.subject, event);
    streams.set(event.stream.name, subjects);
  }
  return streams;
}

function check(
  m: JsMsg,
  events: ReadonlyMap<string, EventContract>,
): { envelope: EventEnvelope; event: EventContract } | { reason: string } {
  const event = events.get(eventSubjectOf(m.subject));
  if (!event) return { reason: "no contract for this subject" };
  let body: unknown;
  try {
    body = m.json();
  } catch {
    return { reason: "not JSON" };
  }
  const parsed = v.safeParse(envelopeValidator(event), body);
  if (parsed.success) return { envelope: parsed.output as EventEnvelope, event };
  const issues = toIssues(parsed.issues).map((i) => `${i.path || "(root)"}: ${i.message}`);
  return { reason: `invalid ${event.type} v${event.version}: ${issues.slice(0, 5).join("; ")}` };
}

/**
 * Read after the replay: history that aged out while it ran is missing from what it read too. `first_seq`
 * only moves forward, so a stream that still starts at 1 has lost nothing.
 */
async function historyOf(jsm: JetStreamManager, stream: string): Promise<ReplayedStream> {
  const { state } = await jsm.streams.info(stream);
  return {
    stream,
    firstSeq: state.first_seq,
    lastSeq: state.last_seq,
    messages: state.messages,
    complete: state.first_seq <= 1,
  };
}
