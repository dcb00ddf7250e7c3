import type { EventContract, EventEnvelope } from "@bazaar/contracts";
import type { JsMsg } from "@nats-io/jetstream";
import type { Logger } from "pino";
import * as v from "valibot";
import { toIssues } from "../errors/validation.js";
import { type KitSpan, SpanKind, startSpan } from "../tracing/spans.js";
import { NO_TELEMETRY, type Telemetry } from "../tracing/telemetry.js";
import { parseTraceContext, type Scope } from "../tracing/trace-context.js";

/** Where a message came from, for handlers that want it. */
export interface EventMeta {
  readonly stream: string;
  readonly streamSeq: number;
  readonly deliveryCount: number;
  readonly subject: string;
}

export type ApplyOutcome = "processed" | "duplicate";

/** One validated message of a batch, with the trace scope and logger its handler runs with. */
export interface BatchItem {
  readonly envelope: EventEnvelope;
  readonly meta: EventMeta;
  readonly scope: Scope;
  readonly log: Logger;
  /** The consumer's span for this message: ended with its outcome. */
  readonly span: KitSpan;
}

export interface ToBatchItemOptions {
  readonly event: EventContract;
  readonly validate: v.GenericSchema;
  readonly consumer: string;
  readonly log: Logger;
  readonly telemetry?: Telemetry;
}

/**
 * `toBatchItem` validates a message against its event contract and gives it the trace scope (a child of
 * the producer's span) and logger its handler runs with. Throws, naming the first issues, when invalid.
 */
export function toBatchItem(msg: JsMsg, o: ToBatchItemOptions): BatchItem {
  const parsed = v.safeParse(o.validate, msg.json());
  if (!parsed.success) {
    const issues = toIssues(parsed.issues).map((i) => `${i.path}: ${i.message}`);
    throw new Error(`invalid ${o.event.type} v${o.event.version}: ${issues.slice(0, 5).join("; ")}`);
  }
  const envelope = parsed.output as EventEnvelope;
  const producer = parseTraceContext(envelope.traceparent, envelope.tracestate);
  // A child of the event's own span, and linked to it: the trace of the order joins every consumer.
  const span = startSpan(o.telemetry ?? NO_TELEMETRY, {
    name: `process ${msg.subject}`,
    kind: SpanKind.CONSUMER,
    parent: producer,
    link: producer,
    attributes: {
      "messaging.system": "nats",
      "messaging.operation.type": "process",
      "messaging.destination.name": msg.subject,
      "messaging.consumer.group.name": o.consumer,
      "messaging.message.id": envelope.id,
      "messaging.nats.stream": msg.info.stream,
      "messaging.nats.delivery_count": msg.info.deliveryCount,
    },
  });
  return {
    envelope,
    meta: {
      stream: msg.info.stream,
      streamSeq: msg.seq,
      deliveryCount: msg.info.deliveryCount,
      subject: msg.subject,
    },
    scope: { trace: span.trace },
    span,
    log: o.log.child({ consumer: o.consumer, eventId: envelope.id, eventType: envelope.type }),
  };
}
