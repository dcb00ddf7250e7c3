import { JetStreamApiCodes, JetStreamApiError } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/nats-core";
import { ConflictError } from "../errors/app-error.js";
import { assertFencingToken } from "./fencing-token.js";
import { assertBucketTtl, assertTtl, leaseKey, openLeaseBucket } from "./lease-bucket.js";
import { encodeLeaseRecord, readLeaseEntry } from "./lease-record.js";

/**
 * Held: this instance owns the partition. Lost: the lease expired or was taken, and never comes back
 * (acquire a new one). Released: given up on purpose (`release`).
 */
export type LeaseState = "held" | "lost" | "released";

/** One instance's ownership of one partition of a service, kept alive by renewals. */
export interface PartitionLease {
  readonly service: string;
  readonly partition: number;
  readonly owner: string;
  /**
   * The fencing token: the revision that created this ownership. It is constant for the lease's whole
   * life, and any later owner's is higher, so a receiver can compare tokens across renewals.
   */
  readonly token: number;
  /** The key's revision after the latest renewal (the one the next renewal must match). */
  readonly revision: number;
  readonly state: LeaseState;
  /**
   * Throws `ConflictError` (`PARTITION_LEASE_LOST`) unless the lease is held and its local deadline has
   * not passed; returns the token. Synchronous, so it fits inside a SQLite transaction just before
   * commit: a process that was paused past its deadline fails here on waking, before any timer has run.
   */
  assertHeld(): number;
  /**
   * `assertHeld`, then checks with the broker that the token is still the partition's current one
   * (`assertFencingToken`): for writes that leave the process. Returns the token.
   */
  assertCurrent(): Promise<number>;
  /** Stops renewing and deletes the key (compare-and-set), so a successor need not wait for the TTL. */
  release(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

type LeaseSource =
  | { readonly kv: KV; readonly nc?: never }
  | { readonly nc: NatsConnection; readonly kv?: never };

export type AcquirePartitionLeaseOptions = LeaseSource & {
  readonly service: string;
  readonly partition: number;
  /** Who holds it, shown to a refused second owner: the pod name (`orders-1`) or host and pid. */
  readonly owner: string;
  /** The lease lifetime; must be the bucket's TTL. */
  readonly ttlMs: number;
  /** With `nc`: the bucket to open (default `leases-<service>`). */
  readonly bucket?: string;
  /** Default a third of the TTL: two renewals can fail before the lease is at risk. */
  readonly renewEveryMs?: number;
  /**
   * How long before the broker would expire the key the lease counts itself lost. Covers clock-rate
   * drift and the gap between a successful `assertHeld` and the commit it guards. Default a tenth of
   * the TTL.
   */
  readonly safetyMarginMs?: number;
  /** Called once when the lease is lost (not when released), with the error `assertHeld` throws from then on. */
  readonly onLost?: (error: ConflictError) => void;
};

const now = (): number => performance.now();

function isWrongLastSequence(err: unknown): boolean {
  return (
    err instanceof JetStreamApiError &&
    (err.code === JetStreamApiCodes.StreamWrongLastSequence ||
      err.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown)
  );
}

async function ownedRefusal(kv: KV, service: string, partition: number): Promise<ConflictError> {
  const current = readLeaseEntry(await kv.get(leaseKey(partition)).catch(() => null));
  const by = current ? `by ${current.owner}` : "by another instance";
  return new ConflictError(`partition ${partition} of ${service} is owned ${by}`, {
    reason: "PARTITION_OWNED",
    details: { service, partition, ...(current ? { owner: current.owner } : {}) },
  });
}

/**
 * `acquirePartitionLease` takes ownership of one partition: it creates the partition's key in the
 * service's lease bucket, which fails while another owner's key exists and has not expired
 * (`ConflictError`, reason `PARTITION_OWNED`, naming the owner). The creating revision is the fencing
 * token. The lease then renews itself with compare-and-set updates; a failed compare (someone else
 * wrote, or the key expired) or a deadline passed without a successful renewal loses it for good.
 *
 * Why the local deadline: the broker expires the key `ttl` after the last renewal was written, which
 * is after it was sent, so counting from the send (minus a margin) makes the lease give up before any
 * successor can acquire: never two owners, even while the broker is unreachable.
 */
export async function acquirePartitionLease(options: AcquirePartitionLeaseOptions): Promise<PartitionLease> {
  const {
    service,
    partition,
    owner,
    ttlMs,
    onLost,
    renewEveryMs = Math.floor(ttlMs / 3),
    safetyMarginMs: marginMs = Math.floor(ttlMs / 10),
  } = options;
  assertTtl(ttlMs);
  if (!Number.isInteger(partition) || partition < 0)
    throw new RangeError("partition must be a non-negative integer");
  if (renewEveryMs <= 0 || marginMs < 0 || renewEveryMs + marginMs >= ttlMs)
    throw new RangeError("renewEveryMs plus safetyMarginMs must be within ttlMs");

  let kv: KV;
  if (options.kv) {
    kv = options.kv;
    await assertBucketTtl(kv, ttlMs);
  } else {
    const { nc, bucket } = options;
    kv = await openLeaseBucket({ nc, service, ttlMs, ...(bucket ? { bucket } : {}) });
  }
  const key = leaseKey(partition);

  const sentAt = now();
  let token: number;
  try {
    token = await kv.create(key, encodeLeaseRecord({ owner }));
  } catch (err) {
    if (isWrongLastSequence(err)) throw await ownedRefusal(kv, service, partition);
    throw err;
  }

  let revision = token;
  let heldUntil = sentAt + ttlMs - marginMs;
  let state: LeaseState = "held";
  let renewTimer: NodeJS.Timeout | undefined;
  let deadlineTimer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  const lostError = (why: string): ConflictError =>
    new ConflictError(`partition ${partition} of ${service}: lease lost (${why})`, {
      reason: "PARTITION_LEASE_LOST",
      details: { service, partition },
    });
  let failure = lostError("released");

  const stopTimers = (): void => {
    clearTimeout(renewTimer);
    clearTimeout(deadlineTimer);
  };
  const lose = (why: string): void => {
    if (state !== "held") return;
    state = "lost";
    failure = lostError(why);
    stopTimers();
    onLost?.(failure);
  };
  const armDeadline = (): void => {
    clearTimeout(deadlineTimer);
    deadlineTimer = setTimeout(() => lose("not renewed in time"), Math.max(0, heldUntil - now()));
    deadlineTimer.unref();
  };
  const schedule = (delayMs: number): void => {
    renewTimer = setTimeout(() => {
      inFlight = renew().finally(() => {
        inFlight = undefined;
      });
    }, delayMs);
    renewTimer.unref();
  };

  // A renewal waits at most this long for the broker, and a failed one is tried again this soon: a
  // cluster electing a new leader for the bucket (a server died) answers again within seconds, and the
  // lease must still be renewed before its deadline.
  const attemptTimeoutMs = Math.max(250, Math.min(renewEveryMs, Math.floor(ttlMs / 10)));
  const retryMs = Math.max(100, Math.min(500, Math.floor(renewEveryMs / 4)));

  const renew = async (): Promise<void> => {
    if (state !== "held") return;
    if (now() >= heldUntil) return lose("not renewed in time");
    const attemptAt = now();
    let failed = false;
    try {
      const rev = await kv.update(
        key,
        encodeLeaseRecord({ owner, epoch: token }),
        revision,
        attemptTimeoutMs,
      );
      revision = rev;
      if (state === "held") {
        heldUntil = attemptAt + ttlMs - marginMs;
        armDeadline();
      } else if (state === "lost") {
        // The renewal landed after the deadline gave up: hand the key back rather than block a successor.
        await kv.delete(key, { previousSeq: rev }).catch(() => undefined);
      }
    } catch (err) {
      failed = true;
      if (isWrongLastSequence(err)) {
        // An earlier renewal whose answer timed out may have landed: then the key is still this lease's
        // (same owner, same token) at a newer revision, which the next renewal compares against.
        const current = await kv.get(key).catch(() => null);
        const mine = readLeaseEntry(current);
        if (!current || mine?.owner !== owner || mine.token !== token) return lose("taken over or expired");
        revision = current.revision;
      }
      // Anything else (broker unreachable, timeout) is retried until the deadline decides.
    }
    if (state === "held") schedule(Math.min(failed ? retryMs : renewEveryMs, Math.max(0, heldUntil - now())));
  };

  armDeadline();
  schedule(renewEveryMs);

  const assertHeld = (): number => {
    if (state === "held" && now() >= heldUntil) lose("not renewed in time");
    if (state !== "held") throw failure;
    return token;
  };

  const release = async (): Promise<void> => {
    if (state !== "held") return;
    state = "released";
    stopTimers();
    await inFlight;
    // Compare-and-set: if the key moved on (expired and re-acquired), it is not ours to delete.
    await kv.delete(key, { previousSeq: revision }).catch((err: unknown) => {
      if (!isWrongLastSequence(err)) throw err;
    });
  };

  return {
    service,
    partition,
    owner,
    token,
    get revision() {
      return revision;
    },
    get state() {
      return state;
    },
    assertHeld,
    async assertCurrent() {
      assertHeld();
      try {
        await assertFencingToken({ kv, partition, token });
      } catch (err) {
        if (err instanceof ConflictError) lose("superseded");
        throw err;
      }
      // The check took a round trip; the deadline may have passed meanwhile.
      return assertHeld();
    },
    release,
    [Symbol.asyncDispose]: release,
  };
}
