import { HEALTH_SUBJECT } from "@bazaar/service-kit/platform";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { natsFailure } from "../http/nats-failure.js";

/** Services may send `null` metadata; it reads as none. */
const Metadata = v.optional(
  v.pipe(
    v.nullable(v.record(v.string(), v.string())),
    v.transform((m): Record<string, string> => m ?? {}),
  ),
  {},
);

/** A `$SRV.INFO` reply (NATS micro protocol), reduced to what the gateway shows. */
const SrvInfo = v.object({
  name: v.string(),
  id: v.string(),
  version: v.string(),
  description: v.optional(v.string(), ""),
  metadata: Metadata,
  endpoints: v.optional(v.array(v.object({ name: v.string(), subject: v.string(), metadata: Metadata })), []),
});
export type SrvInfo = v.InferOutput<typeof SrvInfo>;

/** A `$SRV.STATS` reply: per-endpoint counters; times are nanoseconds. */
const SrvStats = v.object({
  name: v.string(),
  id: v.string(),
  version: v.string(),
  started: v.optional(v.string()),
  endpoints: v.optional(
    v.array(
      v.object({
        name: v.string(),
        subject: v.string(),
        queue_group: v.optional(v.string()),
        num_requests: v.number(),
        num_errors: v.number(),
        last_error: v.optional(v.string(), ""),
        processing_time: v.number(),
        average_processing_time: v.number(),
      }),
    ),
    [],
  ),
});
export type SrvStats = v.InferOutput<typeof SrvStats>;

/** A `sys.health` reply: the kit's readiness report of one instance. */
const HealthReply = v.object({
  status: v.picklist(["pass", "fail"]),
  service: v.string(),
  version: v.string(),
  instance: v.string(),
  checks: v.record(v.string(), v.unknown()),
});
export type HealthReply = v.InferOutput<typeof HealthReply>;

export interface Discovery {
  info(): Promise<SrvInfo[]>;
  stats(): Promise<SrvStats[]>;
  health(): Promise<HealthReply[]>;
}

/**
 * `createDiscovery` finds what runs right now by asking everyone: core NATS request-many on `$SRV.INFO`,
 * `$SRV.STATS` (every instance registered with the services API answers) and the kit's `sys.health`. It
 * waits up to `maxWaitMs` for the first reply and stops after `stallMs` without one; no static list.
 */
export function createDiscovery(options: {
  nc: GatewayRuntime["nats"]["nc"];
  maxWaitMs: number;
  stallMs: number;
}): Discovery {
  const { nc, maxWaitMs, stallMs } = options;

  async function collect<TSchema extends v.GenericSchema>(
    subject: string,
    schema: TSchema,
  ): Promise<Array<v.InferOutput<TSchema>>> {
    const out: Array<v.InferOutput<TSchema>> = [];
    try {
      const replies = await nc.requestMany(subject, undefined, {
        strategy: "stall",
        stall: stallMs,
        maxWait: maxWaitMs,
      });
      for await (const msg of replies) {
        // A status message (no responders) has no body; a reply that does not parse is skipped.
        if (msg.data.length === 0) continue;
        let body: unknown;
        try {
          body = JSON.parse(msg.string());
        } catch {
          continue;
        }
        const parsed = v.safeParse(schema, body);
        if (parsed.success) out.push(parsed.output);
      }
    } catch (err) {
      if (isNoResponders(err)) return out;
      throw natsFailure(err, `discovery on ${subject}`);
    }
    return out;
  }

  return {
    info: () => collect("$SRV.INFO", SrvInfo),
    stats: () => collect("$SRV.STATS", SrvStats),
    health: () => collect(HEALTH_SUBJECT, HealthReply),
  };
}

function isNoResponders(err: unknown): boolean {
  const e = err as { isNoResponders?: () => boolean; code?: unknown; message?: unknown } | null;
  return typeof e?.isNoResponders === "function" ? e.isNoResponders() : String(e?.message).includes("503");
}
