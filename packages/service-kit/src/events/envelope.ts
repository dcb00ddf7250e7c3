import { randomUUID } from "node:crypto";
import { type EnvelopeOf, type EventContract, envelopeSchema } from "@bazaar/contracts";
import * as v from "valibot";
import { toIssues } from "../errors/validation.js";
import { currentScope, formatTraceparent, type TraceContext } from "../tracing/trace-context.js";

/** Thrown when a service tries to emit data that does not match its own event contract: a bug, caught before commit. */
export class EventValidationError extends Error {
  override readonly name = "EventValidationError";
}

/**
 * `buildEnvelope` wraps event data in the common envelope: a new id, type, version, time, the emitting
 * service and its trace (the current one unless given). The data is validated against the contract first.
 */
export function buildEnvelope<E extends EventContract>(
  event: E,
  data: v.InferInput<E["data"]>,
  source: string,
  trace: TraceContext | undefined = currentScope()?.trace,
): EnvelopeOf<E> {
  const parsed = v.safeParse(event.data, data);
  if (!parsed.success) {
    const issues = toIssues(parsed.issues).map((i) => `${i.path}: ${i.message}`);
    throw new EventValidationError(`${event.type} v${event.version} data is invalid: ${issues.join("; ")}`);
  }
  return {
    id: randomUUID(),
    type: event.type,
    version: event.version,
    occurredAt: new Date().toISOString(),
    source,
    ...(trace ? { traceparent: formatTraceparent(trace) } : {}),
    ...(trace?.traceState ? { tracestate: trace.traceState } : {}),
    data: parsed.output,
  } as EnvelopeOf<E>;
}

/** Cache of compiled envelope schemas per contract. */
const schemas = new WeakMap<EventContract, v.GenericSchema>();

/** `envelopeValidator` returns the (cached) full envelope schema of an event contract. */
export function envelopeValidator(event: EventContract): v.GenericSchema {
  let schema = schemas.get(event);
  if (!schema) {
    schema = envelopeSchema(event) as v.GenericSchema;
    schemas.set(event, schema);
  }
  return schema;
}
