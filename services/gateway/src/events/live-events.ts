import { setTimeout as sleep } from "node:timers/promises";
import { EnvelopeHeader } from "@bazaar/contracts";
import { Gauge } from "@bazaar/service-kit/platform";
import type { Context } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import * as v from "valibot";
import type { GatewayRuntime } from "../declaration.js";
import { type LiveEvent, StreamDropped, StreamExpired, StreamReady } from "./stream-messages.js";

/** Every event, and every dead letter (a copy of the event a consumer gave up on). */
export const LIVE_SUBJECTS = ["evt.>", "dlq.>"] as const;

/** Messages waiting for a slow client beyond this are dropped (and counted), never buffered without bound. */
const MAX_QUEUED = 1000;

/** The stream's own messages are typed by the schemas the document shows, so they cannot drift apart. */
function message<TSchema extends v.GenericSchema>(_schema: TSchema, data: v.InferInput<TSchema>): string {
  return JSON.stringify(data);
}

type Msg = { subject: string; data: Uint8Array; string(): string };

const UNKNOWN = { type: null, id: null, source: null, occurredAt: null, traceId: null } as const;

function toLiveEvent(msg: Msg): LiveEvent {
  let body: unknown;
  try {
    body = JSON.parse(msg.string());
  } catch {
    return { ...UNKNOWN, subject: msg.subject, data: msg.string() };
  }
  const env = v.safeParse(EnvelopeHeader, body);
  if (!env.success) return { ...UNKNOWN, subject: msg.subject, data: body };
  const { type, id, source, occurredAt, data, traceparent } = env.output;
  return {
    subject: msg.subject,
    type,
    id,
    source,
    occurredAt,
    traceId: traceparent?.split("-")[1] ?? null,
    data,
  };
}

export interface LiveEvents {
  /** Answers one request with a stream of every event (whose type starts with `typePrefix`, when given). */
  /** The stream ends when `expiresAt` (the token's expiry, epoch ms) passes: a token only opens what it may see. */
  respond(c: Context, typePrefix: string | undefined, expiresAt: number): Response;
  /** Ends every open stream (at shutdown). */
  closeAll(): void;
}

/**
 * `createLiveEvents` tails the system for the operations console: one core NATS subscription per open
 * stream on `evt.>` and `dlq.>` (never a JetStream consumer: a tail stores nothing), written as
 * server-sent events in order. The subscriptions end when the client disconnects; a comment line every
 * `heartbeatMs` keeps proxies from closing an idle stream. `bazaar_gateway_event_streams` counts the open ones.
 */
export function createLiveEvents(options: { runtime: GatewayRuntime; heartbeatMs: number }): LiveEvents {
  const { runtime, heartbeatMs } = options;
  const nc = runtime.nats.nc;
  const open = new Set<SSEStreamingApi>();
  const gauge = new Gauge({
    name: "bazaar_gateway_event_streams",
    help: "Server-sent event streams open on /api/admin/events/stream.",
    registers: [runtime.metrics.registry],
  });

  const tail = async (
    stream: SSEStreamingApi,
    typePrefix: string | undefined,
    expiresAt: number,
  ): Promise<void> => {
    const stop = new AbortController();
    stream.onAbort(() => stop.abort());
    let queued = 0;
    let dropped = 0;
    let chain = Promise.resolve();
    const send = (event: LiveEvent): void => {
      if (queued >= MAX_QUEUED) {
        dropped++;
        return;
      }
      queued++;
      const data = JSON.stringify(event);
      chain = chain
        .then(() => stream.writeSSE({ data, ...(event.id ? { id: event.id } : {}) }))
        .catch(() => undefined)
        .finally(() => {
          queued--;
        });
    };
    const subs = LIVE_SUBJECTS.map((subject) =>
      nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return;
          const event = toLiveEvent(msg);
          if (typePrefix && !event.type?.startsWith(typePrefix)) return;
          send(event);
        },
      }),
    );
    open.add(stream);
    gauge.inc();
    try {
      // Once the server has the subscriptions, nothing published after `ready` can be missed.
      await nc.flush();
      await stream.writeSSE({
        event: "ready",
        data: message(StreamReady, { subjects: [...LIVE_SUBJECTS], type: typePrefix ?? null }),
      });
      while (!stop.signal.aborted) {
        await sleep(Math.max(0, Math.min(heartbeatMs, expiresAt - Date.now())), undefined, {
          signal: stop.signal,
        }).catch(() => undefined);
        if (stop.signal.aborted) break;
        if (Date.now() >= expiresAt) {
          await stream.writeSSE({
            event: "expired",
            data: message(StreamExpired, { reason: "the access token expired" }),
          });
          break;
        }
        if (dropped > 0) {
          await stream.writeSSE({ event: "dropped", data: message(StreamDropped, { count: dropped }) });
          dropped = 0;
        }
        await stream.write(": keep-alive\n\n");
      }
    } finally {
      for (const sub of subs) sub.unsubscribe();
      open.delete(stream);
      gauge.dec();
    }
  };

  return {
    respond(c, typePrefix, expiresAt) {
      return streamSSE(
        c,
        (stream) => tail(stream, typePrefix, expiresAt),
        async (err) => {
          runtime.log.warn({ err }, "event stream failed");
        },
      );
    },
    closeAll() {
      for (const stream of open) stream.abort();
    },
  };
}
