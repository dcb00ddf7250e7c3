import type { NatsConnection } from "@nats-io/transport-node";
import { ConflictError, UnavailableError } from "../errors/app-error.js";
import { type HostedReport, partitionControlPrefix } from "../service/phases/partition-control.js";

export type { HostedReport };

export interface PartitionControlOptions {
  /** Connected as the operator: only the operator may publish on `ops.>`. */
  readonly nc: NatsConnection;
  readonly service: string;
  /** How long to wait for an instance's answer (a take may wait for a lease). Default 30 s. */
  readonly timeoutMs?: number;
}

const encode = (value: unknown): string => JSON.stringify(value);

async function ask<T>(o: PartitionControlOptions, subject: string, body: unknown): Promise<T> {
  const reply = await o.nc
    .request(subject, encode(body), { timeout: o.timeoutMs ?? 30_000 })
    .catch((err: unknown) => {
      throw new UnavailableError(`no answer on ${subject}`, { cause: err });
    });
  const answer = reply.json<T | { error: { code: string; message: string } }>();
  if (answer && typeof answer === "object" && "error" in answer)
    throw new ConflictError(answer.error.message, { reason: answer.error.code });
  return answer as T;
}

/** `listPartitionOwners` asks every running instance of a service which partitions it serves. */
export async function listPartitionOwners(
  o: PartitionControlOptions & { readonly waitMs?: number },
): Promise<HostedReport[]> {
  const reports: HostedReport[] = [];
  const replies = await o.nc.requestMany(`${partitionControlPrefix(o.service)}.list`, "", {
    strategy: "timer",
    maxWait: o.waitMs ?? 500,
  });
  for await (const msg of replies) if (msg.data.length > 0) reports.push(msg.json<HostedReport>());
  return reports.sort((a, b) => a.ordinal - b.ordinal);
}

/** `releasePartition` has `instance` stop serving `partition` and give up its lease and file. */
export function releasePartition(
  o: PartitionControlOptions & { readonly instance: string; readonly partition: number },
): Promise<{ readonly partition: number; readonly file: string; readonly token: number }> {
  return ask(o, `${partitionControlPrefix(o.service)}.${o.instance}.release`, { partition: o.partition });
}

/** `takePartition` has `instance` take `partition` over (copying a released file first, with `copyFrom`). */
export function takePartition(
  o: PartitionControlOptions & {
    readonly instance: string;
    readonly partition: number;
    readonly copyFrom?: string;
  },
): Promise<{ readonly partition: number; readonly file: string; readonly token: number }> {
  return ask(o, `${partitionControlPrefix(o.service)}.${o.instance}.take`, {
    partition: o.partition,
    ...(o.copyFrom ? { copyFrom: o.copyFrom } : {}),
  });
}

export interface HandoverResult {
  readonly partition: number;
  readonly from: string | undefined;
  readonly to: string;
  /** The file the old owner released, when it had one. */
  readonly released: string | undefined;
  /** The new owner's fencing token: higher than the old owner's. */
  readonly token: number;
}

/**
 * `handoverPartition` moves one partition to another running instance: the owner drains it (no new
 * calls, in-flight work and its outbox finish), closes and releases its file and lease; the new owner
 * copies the file (`copy`: the two instances see each other's folders, as in `pnpm dev`; otherwise the
 * operator has moved the file, see docs/scale-out.md), takes the lease and serves. While it moves, calls
 * for its keys find no responder and are retried by their callers.
 */
export async function handoverPartition(
  o: PartitionControlOptions & { readonly partition: number; readonly to: string; readonly copy?: boolean },
): Promise<HandoverResult> {
  const owners = await listPartitionOwners(o);
  if (!owners.some((r) => r.instance === o.to))
    throw new ConflictError(`no running instance ${o.to} of ${o.service}`, { reason: "NO_SUCH_INSTANCE" });
  const owner = owners.find((r) => r.partitions.some((p) => p.partition === o.partition));
  if (owner?.instance === o.to)
    return {
      partition: o.partition,
      from: o.to,
      to: o.to,
      released: undefined,
      token: owner.partitions.find((p) => p.partition === o.partition)?.token ?? 0,
    };
  const released = owner ? await releasePartition({ ...o, instance: owner.instance }) : undefined;
  const taken = await takePartition({
    ...o,
    instance: o.to,
    ...(o.copy && released ? { copyFrom: released.file } : {}),
  });
  return {
    partition: o.partition,
    from: owner?.instance,
    to: o.to,
    released: released?.file,
    token: taken.token,
  };
}
