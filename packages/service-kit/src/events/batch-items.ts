import type { EventContract, EventEnvelope } from "@bazaar/contracts";
import type { JsMsg } from "@nats-io/jetstream";
import type { Logger } from "pino";
import * as v from "valibot";
import { toIssues } from "../errors/validation.js";
import { childSpan, newTrace, parseTraceparent, type Scope } from "../tracing/trace-context.js";

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
}

export interface ToBatchItemOptions {
  readonly event: EventContract;
  readonly validate: v.GenericSchema;
  readonly consumer: string;
  readonly log: Logger;
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
  const parent = parseTraceparent(envelope.traceparent);
  return {
    envelope,
    meta: {
      stream: msg.info.stream,
      streamSeq: msg.seq,
      deliveryCount: msg.info.deliveryCount,
      subject: msg.subject,
    },
    scope: { trace: parent ? childSpan(parent) : newTrace() },
    log: o.log.child({ consumer: o.consumer, eventId: envelope.id, eventType: envelope.type }),
  };
}
