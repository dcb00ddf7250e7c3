import type { StreamContract } from "@bazaar/contracts";
import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type JetStreamManager,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
} from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";

export type EnsureOutcome = "created" | "updated" | "unchanged";

export interface EnsureStreamOptions {
  /** Replicas: 1 on a single server, 3 on a cluster (each write waits for a quorum). */
  readonly replicas?: number;
}

/**
 * `streamConfig` is the JetStream configuration of a stream contract: file storage, limits, dedupe window.
 * A full stream discards new messages, never old ones: with `discard: old` JetStream deletes the oldest
 * messages whether or not every consumer has read them, and a durable just skips ahead. With `new` the
 * publish is refused, and the event waits in its publisher's outbox until there is room (see
 * `OutboxRelay`). Age (`max_age`, 0 for none) still removes messages; `ReadFloor` reports a consumer
 * that had not read them.
 */
export function streamConfig(
  stream: StreamContract,
  options: EnsureStreamOptions = {},
): Partial<StreamConfig> & { name: string } {
  return {
    name: stream.name,
    subjects: [...stream.subjects],
    description: stream.description,
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_age: nanos(stream.maxAgeMs),
    max_bytes: stream.maxBytes,
    duplicate_window: nanos(stream.duplicateWindowMs),
    num_replicas: options.replicas ?? 1,
  };
}

/**
 * `ensureStream` creates the stream, or updates it in place when its definition changed (a stream made
 * with `discard: old` by an earlier version is switched to `new` this way: JetStream allows the discard
 * policy, limits, subjects and description to change on a live stream and keeps its messages). It never
 * deletes a stream or its messages; a change JetStream cannot apply in place (storage type, retention to
 * or from work-queue) fails loudly.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  stream: StreamContract,
  options: EnsureStreamOptions = {},
): Promise<EnsureOutcome> {
  const wanted = streamConfig(stream, options);
  let current: StreamConfig | undefined;
  try {
    current = (await jsm.streams.info(stream.name)).config;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  if (!current) {
    await jsm.streams.add(wanted);
    return "created";
  }
  const differs =
    current.description !== wanted.description ||
    current.discard !== wanted.discard ||
    current.max_age !== wanted.max_age ||
    current.max_bytes !== wanted.max_bytes ||
    current.duplicate_window !== wanted.duplicate_window ||
    current.num_replicas !== wanted.num_replicas ||
    JSON.stringify([...current.subjects].sort()) !== JSON.stringify([...(wanted.subjects ?? [])].sort());
  if (!differs) return "unchanged";
  await jsm.streams.update(stream.name, wanted);
  return "updated";
}

/** `isNotFound` recognises JetStream's "stream/consumer not found" answers. */
export function isNotFound(err: unknown): boolean {
  if (err instanceof JetStreamApiError) {
    return (
      err.code === JetStreamApiCodes.StreamNotFound ||
      err.code === JetStreamApiCodes.ConsumerNotFound ||
      err.code === JetStreamApiCodes.NoMessageFound
    );
  }
  return false;
}
