import { DEAD_LETTER_STREAM } from "@bazaar/contracts";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { NotFoundError } from "../errors/app-error.js";
import {
  type DeadLetter,
  EDITED_AT_HEADER,
  EDITED_BY_HEADER,
  fromStored,
  toDeadLetter,
} from "./dead-letter-decode.js";
import { editedEnvelope } from "./dead-letter-edit.js";
import { type DeadLetterFilter, deadLetterFilter, matchesDeadLetter } from "./dead-letter-filter.js";
import { createDeadLetterGrouping, type DeadLetterGroup } from "./dead-letter-groups.js";
import { type RawLetter, readBatches, readNewest, readRange } from "./dead-letter-reader.js";
import { type ReplayResult, republish } from "./dead-letter-republish.js";
import { isNotFound } from "./streams.js";

export type { DeadLetter } from "./dead-letter-decode.js";
export type { DeadLetterFilter } from "./dead-letter-filter.js";
export { deadLetterFilter } from "./dead-letter-filter.js";
export type { DeadLetterGroup } from "./dead-letter-groups.js";
export type { ReplayResult } from "./dead-letter-republish.js";

/** How many dead letters there are (of one service, or all) and when the oldest of them failed. */
export interface DeadLetterStats {
  readonly count: number;
  /** When the oldest one reached the dead-letter stream, if there is one. */
  readonly oldestAt: Date | undefined;
}

/** One page of dead letters, newest first; pass `nextCursor` as `before` for the next (null: the last page). */
export interface DeadLetterPage {
  readonly items: DeadLetter[];
  readonly nextCursor: number | null;
}

/** A dead letter republished with data an operator edited. */
export interface EditReplayResult extends ReplayResult {
  readonly editedBy: string | null;
  readonly editedAt: string;
}

export interface DeadLetters {
  /** Newest first, at most `limit` (default 100), optionally one service's. */
  list(options?: { limit?: number; service?: string }): Promise<DeadLetter[]>;
  /** Newest first, those matching `filter`, with ids below `before` (a previous page's `nextCursor`). */
  page(options?: { filter?: DeadLetterFilter; limit?: number; before?: number }): Promise<DeadLetterPage>;
  /** The matching dead letters grouped by service, consumer and normalized error, largest group first. */
  groups(filter?: DeadLetterFilter): Promise<{ groups: DeadLetterGroup[]; total: number }>;
  /**
   * The matching dead letters, oldest first, `batchSize` (default 100) at a time, up to the last one as it
   * is when the scan starts (one that fails again after a replay lands after it: a scan always ends).
   */
  scan(filter?: DeadLetterFilter, options?: { batchSize?: number }): AsyncGenerator<DeadLetter[]>;
  get(id: number): Promise<DeadLetter>;
  /**
   * Republishes one dead letter to its original subject, for the consumer that gave up on it only, then
   * removes it from the dead-letter stream.
   */
  replay(id: number): Promise<ReplayResult>;
  /** Replays every dead letter (of one service), oldest first. */
  replayAll(options?: { service?: string }): Promise<ReplayResult[]>;
  /**
   * Republishes one dead letter with new `data` (checked against its event's contract) under the same
   * event id, so the inbox still dedupes, recording who edited it and when; then removes the dead letter.
   */
  editReplay(id: number, edit: { data: unknown; editedBy: string | undefined }): Promise<EditReplayResult>;
  /** An operator's decision that a dead letter will never be replayed: removes it for good. */
  discard(id: number): Promise<DeadLetter>;
  count(): Promise<number>;
  stats(options?: { service?: string }): Promise<DeadLetterStats>;
}

/** Replays in flight at once during `replayAll` (each is a publish and a delete). */
const REPLAY_WINDOW = 32;

/**
 * `createDeadLetters` is the replay API over the dead-letter stream. A replay republishes the original
 * payload to the original subject under a new message id (the stream's duplicate window would drop the
 * old one), addressed to the consumer that gave up on it (`REPLAY_FOR_HEADER`): every other consumer of
 * the subject acks it unread, so it is processed once, by that consumer, however old it is.
 *
 * Listing and replaying all read the stream in batches through ordered consumers, never one request
 * per sequence number.
 */
export function createDeadLetters(options: { js: JetStreamClient; jsm: JetStreamManager }): DeadLetters {
  const { js, jsm } = options;
  const stream = DEAD_LETTER_STREAM.name;

  const getRaw = async (id: number): Promise<RawLetter | undefined> => {
    try {
      const sm = await jsm.streams.getMessage(stream, { seq: id });
      return sm ? fromStored(sm) : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  };

  const streamState = async (): Promise<{ first_seq: number; last_seq: number; messages: number }> => {
    try {
      return (await jsm.streams.info(stream)).state;
    } catch (err) {
      if (isNotFound(err)) return { first_seq: 0, last_seq: 0, messages: 0 };
      throw err;
    }
  };

  const replayRaw = (raw: RawLetter): Promise<ReplayResult> =>
    republish({ js, jsm, stream, raw, letter: toDeadLetter(raw), kind: "replay" });

  /** What the subject filter cannot narrow (everything but the service) is checked on the decoded letter. */
  const picker =
    (filter: DeadLetterFilter) =>
    (raw: RawLetter): DeadLetter | undefined => {
      const letter = toDeadLetter(raw);
      return matchesDeadLetter(letter, filter) ? letter : undefined;
    };

  const page = async ({
    filter = {},
    limit = 100,
    before,
  }: {
    filter?: DeadLetterFilter;
    limit?: number;
    before?: number;
  } = {}): Promise<DeadLetterPage> => {
    const state = await streamState();
    const lastSeq = before === undefined ? state.last_seq : Math.min(state.last_seq, before - 1);
    if (state.messages === 0 || limit <= 0 || lastSeq < state.first_seq)
      return { items: [], nextCursor: null };
    // One more than asked says whether there is a next page.
    const found = await readNewest({
      js,
      stream,
      filter: deadLetterFilter(filter.service),
      firstSeq: state.first_seq,
      lastSeq,
      limit: limit + 1,
      pick: picker(filter),
    });
    const items = found.slice(0, limit);
    return { items, nextCursor: found.length > limit ? (items.at(-1)?.id ?? null) : null };
  };

  return {
    async list({ limit = 100, service } = {}) {
      return (await page({ limit, filter: { service } })).items;
    },

    page,

    async groups(filter = {}) {
      const grouping = createDeadLetterGrouping();
      const state = await streamState();
      if (state.messages === 0) return grouping.result();
      const pick = picker(filter);
      await readRange({
        js,
        stream,
        filter: deadLetterFilter(filter.service),
        fromSeq: state.first_seq,
        toSeq: state.last_seq,
        visit: (raw) => {
          const letter = pick(raw);
          if (letter) grouping.add(letter);
          return undefined;
        },
      });
      return grouping.result();
    },

    async *scan(filter = {}, { batchSize = 100 } = {}) {
      const state = await streamState();
      if (state.messages === 0) return;
      const pick = picker(filter);
      for await (const batch of readBatches({
        js,
        stream,
        filter: deadLetterFilter(filter.service),
        fromSeq: state.first_seq,
        toSeq: state.last_seq,
        batchSize,
      })) {
        const letters = batch.map(pick).filter((l): l is DeadLetter => l !== undefined);
        if (letters.length > 0) yield letters;
      }
    },

    async get(id) {
      const raw = await getRaw(id);
      if (!raw) throw new NotFoundError(`dead letter ${id} not found`);
      return toDeadLetter(raw);
    },

    async replay(id) {
      const raw = await getRaw(id);
      if (!raw) throw new NotFoundError(`dead letter ${id} not found`);
      return replayRaw(raw);
    },

    async replayAll({ service } = {}) {
      const state = await streamState();
      if (state.messages === 0) return [];
      const raws: RawLetter[] = [];
      // Up to the last sequence as it is now: a replay that fails again lands after it and waits.
      await readRange({
        js,
        stream,
        filter: deadLetterFilter(service),
        fromSeq: state.first_seq,
        toSeq: state.last_seq,
        visit: (raw) => {
          raws.push(raw);
          return undefined;
        },
      });
      const results: ReplayResult[] = [];
      const inFlight = new Set<Promise<void>>();
      let failure: { err: unknown } | undefined;
      for (const raw of raws) {
        if (failure) break;
        const p: Promise<void> = replayRaw(raw)
          .then(
            (r) => {
              results.push(r);
            },
            (err: unknown) => {
              failure ??= { err };
            },
          )
          .finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= REPLAY_WINDOW) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
      // The ones replayed before a failure stay replayed (each was removed right after its publish).
      if (failure) throw failure.err;
      return results.sort((a, b) => a.id - b.id);
    },

    async editReplay(id, { data, editedBy }) {
      const raw = await getRaw(id);
      if (!raw) throw new NotFoundError(`dead letter ${id} not found`);
      const letter = toDeadLetter(raw);
      const envelope = editedEnvelope(letter, data);
      const editedAt = new Date().toISOString();
      const result = await republish({
        js,
        jsm,
        stream,
        raw,
        letter,
        body: new TextEncoder().encode(JSON.stringify(envelope)),
        extraHeaders: { [EDITED_AT_HEADER]: editedAt, ...(editedBy ? { [EDITED_BY_HEADER]: editedBy } : {}) },
        kind: "edit",
      });
      return { ...result, editedBy: editedBy ?? null, editedAt };
    },

    async discard(id) {
      const raw = await getRaw(id);
      if (!raw) throw new NotFoundError(`dead letter ${id} not found`);
      try {
        await jsm.streams.deleteMessage(stream, id, false);
      } catch (err) {
        // Replayed or discarded by someone else meanwhile.
        if (isNotFound(err)) throw new NotFoundError(`dead letter ${id} not found`);
        throw err;
      }
      return toDeadLetter(raw);
    },

    async count() {
      return (await streamState()).messages;
    },

    async stats({ service } = {}) {
      const filter = deadLetterFilter(service);
      let info: Awaited<ReturnType<typeof jsm.streams.info>>;
      try {
        info = await jsm.streams.info(stream, { subjects_filter: filter });
      } catch (err) {
        if (isNotFound(err)) return { count: 0, oldestAt: undefined };
        throw err;
      }
      const count = Object.values(info.state.subjects ?? {}).reduce((n, c) => n + c, 0);
      if (count === 0) return { count: 0, oldestAt: undefined };
      let oldestAt: Date | undefined;
      await readRange({
        js,
        stream,
        filter,
        fromSeq: info.state.first_seq,
        toSeq: info.state.last_seq,
        visit: (raw) => {
          oldestAt = raw.time;
          return false;
        },
      });
      return { count, oldestAt };
    },
  };
}
