import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import * as v from "valibot";
import { AppError } from "../../errors/app-error.js";
import type { Logger } from "../../logging/logger.js";
import type { PartitionHost } from "./partition-host.js";

/** The operator's subjects for one service's partitions: `list` (every instance answers), `<instance>.take|release`. */
export const partitionControlPrefix = (service: string): string => `ops.partitions.${service}`;

const Take = v.object({ partition: v.pipe(v.number(), v.integer()), copyFrom: v.optional(v.string()) });
const Release = v.object({ partition: v.pipe(v.number(), v.integer()) });

/** What one instance answers to `list`. */
export interface HostedReport {
  readonly instance: string;
  readonly ordinal: number;
  readonly partitions: ReadonlyArray<{
    readonly partition: number;
    readonly token: number;
    readonly file: string;
  }>;
}

/**
 * `servePartitionControl` answers the operator's handover requests for this instance (the broker lets
 * only the operator publish on `ops.>`): `list`, and `take` or `release` of one partition. Each answer
 * is JSON: the result, or `{ error: { code, message } }`.
 */
export function servePartitionControl(o: {
  readonly nc: NatsConnection;
  readonly service: string;
  readonly instance: string;
  readonly ordinal: number;
  readonly host: PartitionHost;
  readonly log: Logger;
}): () => void {
  const prefix = partitionControlPrefix(o.service);
  const report = (): HostedReport => ({
    instance: o.instance,
    ordinal: o.ordinal,
    partitions: o.host.hosted().map((h) => ({ partition: h.partition, token: h.token, file: h.file })),
  });
  const answer = (sub: Subscription, handle: (data: unknown) => Promise<unknown>): void => {
    void (async () => {
      for await (const msg of sub) {
        let body: unknown;
        try {
          body = await handle(msg.data.length > 0 ? msg.json() : {});
        } catch (err) {
          o.log.warn({ err, subject: msg.subject }, "partition control request failed");
          body = {
            error:
              err instanceof AppError
                ? { code: err.code, reason: err.reason, message: err.message }
                : { code: "INTERNAL", message: err instanceof Error ? err.message : String(err) },
          };
        }
        msg.respond(JSON.stringify(body));
      }
    })();
  };
  const subs = [
    o.nc.subscribe(`${prefix}.list`),
    o.nc.subscribe(`${prefix}.${o.instance}.take`),
    o.nc.subscribe(`${prefix}.${o.instance}.release`),
  ] as const;
  answer(subs[0], async () => report());
  answer(subs[1], async (data) => {
    const { partition, copyFrom } = v.parse(Take, data);
    const taken = await o.host.take(partition, copyFrom ? { copyFrom } : {});
    return { partition, token: taken.token, file: taken.file, hosted: report() };
  });
  answer(subs[2], async (data) => {
    const { partition } = v.parse(Release, data);
    return { partition, ...(await o.host.release(partition)), hosted: report() };
  });
  return () => {
    for (const s of subs) s.unsubscribe();
  };
}
