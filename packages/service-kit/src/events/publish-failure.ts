import { JetStreamApiError } from "@nats-io/jetstream";
import { InvalidArgumentError, NoRespondersError, RequestError } from "@nats-io/transport-node";

/**
 * What a failed publish means for the outbox row:
 * - `back_pressure`: the stream (or the server's storage) is full; the row waits, and so do the rows behind it;
 * - `unpublishable`: JetStream can never accept the row as it is (no stream captures its subject, or it is
 *   larger than the server or the stream allows); it is parked so it stops blocking the rows behind it;
 * - `transient`: anything else (the broker is unreachable, a timeout, a stream without a leader); retried.
 */
export type PublishFailure =
  | { readonly kind: "back_pressure" | "transient"; readonly reason: string }
  | { readonly kind: "unpublishable"; readonly reason: string; readonly park: "no_stream" | "too_large" };

/**
 * JetStream's answers for a full stream or store: 10077 (maximum messages, bytes or messages per subject
 * exceeded, with `discard: new`), 10047 (storage resources exceeded), 10028 (memory resources exceeded),
 * 10023 (insufficient resources).
 */
const BACK_PRESSURE_CODES: ReadonlySet<number> = new Set([10077, 10047, 10028, 10023]);
/** 10054: the message is larger than the stream's `max_msg_size`. */
const TOO_LARGE_CODES: ReadonlySet<number> = new Set([10054]);
/** 10059: "no stream matches subject", the answer to a stream lookup by subject. */
const NO_STREAM_MATCHES = 10059;

/** `isBackPressure` is true for a publish refused because a stream or the server's store is full. */
export function isBackPressure(err: unknown): boolean {
  return err instanceof JetStreamApiError && BACK_PRESSURE_CODES.has(err.code);
}

function isNoResponders(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e instanceof NoRespondersError) return true;
    if (e instanceof RequestError && e.isNoResponders()) return true;
  }
  return false;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * `classifyPublishFailure` decides what a failed publish of a row on `subject` means. "No responders"
 * alone does not prove that no stream captures the subject (JetStream may be restarting, or the stream may
 * have no leader for a moment), so it asks JetStream which stream captures the subject: only the answer
 * "none" makes the row unpublishable.
 */
export async function classifyPublishFailure(
  err: unknown,
  subject: string,
  findStream: (subject: string) => Promise<string>,
): Promise<PublishFailure> {
  if (isBackPressure(err)) return { kind: "back_pressure", reason: message(err) };
  if (err instanceof JetStreamApiError && TOO_LARGE_CODES.has(err.code))
    return { kind: "unpublishable", park: "too_large", reason: message(err) };
  // Raised by the client before sending: the payload is larger than the server's max_payload.
  if (err instanceof InvalidArgumentError && message(err).includes("max_payload"))
    return { kind: "unpublishable", park: "too_large", reason: "larger than the server's max_payload" };
  if (isNoResponders(err)) {
    try {
      const stream = await findStream(subject);
      return { kind: "transient", reason: `no responders, though stream ${stream} captures the subject` };
    } catch (findErr) {
      if (findErr instanceof JetStreamApiError && findErr.code === NO_STREAM_MATCHES)
        return { kind: "unpublishable", park: "no_stream", reason: "no stream captures its subject" };
      return { kind: "transient", reason: message(err) };
    }
  }
  return { kind: "transient", reason: message(err) };
}

/**
 * `classifyFailures` explains each failed publish of a pass (by index), asking JetStream at most once per
 * subject which stream captures it.
 */
export async function classifyFailures(
  subjects: readonly string[],
  results: readonly PromiseSettledResult<unknown>[],
  findStream: (subject: string) => Promise<string>,
): Promise<Map<number, PublishFailure>> {
  const found = new Map<string, Promise<string>>();
  const findOnce = (subject: string): Promise<string> => {
    let stream = found.get(subject);
    if (!stream) {
      stream = findStream(subject);
      // Consumed below; a rejection that nobody awaits again must not surface as unhandled.
      stream.catch(() => undefined);
      found.set(subject, stream);
    }
    return stream;
  };
  const failures = new Map<number, PublishFailure>();
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r?.status === "rejected")
      failures.set(i, await classifyPublishFailure(r.reason, subjects[i] ?? "", findOnce));
  }
  return failures;
}
