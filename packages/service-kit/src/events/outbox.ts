import type { EnvelopeOf, EventContract } from "@bazaar/contracts";
import type Database from "better-sqlite3";
import type * as v from "valibot";
import { SpanKind, startSpan } from "../tracing/spans.js";
import { NO_TELEMETRY, type Telemetry } from "../tracing/telemetry.js";
import { currentScope } from "../tracing/trace-context.js";
import { createAggregateSequencer } from "./aggregate-sequence.js";
import { buildEnvelope } from "./envelope.js";
import { publishSubject } from "./event-subjects.js";

/** How one event is recorded. */
export interface EmitOptions {
  /**
   * The entity the event is about (e.g. the order id). The envelope then carries
   * `aggregate: { key, seq }`, where `seq` numbers this service's events about that key from 1, in commit
   * order, so consumers can order them without trusting clocks.
   */
  readonly aggregate?: string;
}

/** What a transaction uses to record the events it emits. */
export interface Emitter<E extends EventContract = EventContract> {
  /** Records the event in the outbox, in the current transaction; returns the envelope. */
  emit<T extends E>(event: T, data: v.InferInput<T["data"]>, options?: EmitOptions): EnvelopeOf<T>;
}

/** Thrown when an event is recorded outside a transaction (it could commit without its state change). */
export class OutboxUsageError extends Error {
  override readonly name = "OutboxUsageError";
}

export interface OutboxOptions {
  readonly sqlite: Database.Database;
  /** The emitting service, written into every envelope's `source`. */
  readonly source: string;
  /** Refuses events the service did not declare (throws). */
  readonly guard?: (event: EventContract) => void;
  /** A span per event recorded (default: none). */
  readonly telemetry?: Telemetry;
  /** The system's partition count: a keyed event goes to its key's partition subject (default 1). */
  readonly partitions?: number;
}

/**
 * `createOutboxWriter` returns the function that records an event row. It must run inside the SQLite
 * transaction that changes state, so the state change and its events commit together or not at all.
 */
export function createOutboxWriter(options: OutboxOptions): Emitter {
  const insert = options.sqlite.prepare(
    "INSERT INTO kit_outbox (event_id, subject, type, payload, traceparent, created_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const nextSeq = createAggregateSequencer(options.sqlite);
  return {
    emit(event, data, emitOptions) {
      options.guard?.(event);
      if (!options.sqlite.inTransaction) {
        throw new OutboxUsageError(
          `emit ${event.type} inside ctx.transaction(), together with the state change it reports`,
        );
      }
      // The event's own span: what each consumer's span descends from, and links back to.
      const span = startSpan(options.telemetry ?? NO_TELEMETRY, {
        name: `create ${event.subject}`,
        kind: SpanKind.PRODUCER,
        parent: currentScope()?.trace,
        attributes: {
          "messaging.system": "nats",
          "messaging.operation.type": "create",
          "messaging.destination.name": event.subject,
        },
      });
      const built = buildEnvelope(event, data, options.source, span.trace);
      // The key is read from the validated data, as consumers will see it.
      const subject = publishSubject(event, built.data, options.partitions ?? 1);
      span.setAttributes({ "messaging.message.id": built.id, "messaging.destination.name": subject });
      span.end();
      const key = emitOptions?.aggregate;
      const envelope = key === undefined ? built : { ...built, aggregate: { key, seq: nextSeq(key) } };
      insert.run(
        envelope.id,
        subject,
        event.type,
        JSON.stringify(envelope),
        envelope.traceparent ?? null,
        Date.now(),
      );
      return envelope;
    },
  };
}
