import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import {
  ALL_EVENTS,
  DEAD_LETTER_STREAM,
  type EventContract,
  eventPartitionSubject,
  STREAMS,
} from "@bazaar/contracts";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { EntryOf } from "../history/history-entry.js";
import { type Fault, recordFault } from "./fault.js";

type Variant = EntryOf<"poison">["variant"];

/** The bytes of each kind of poison for an event's subject. */
export function poisonPayload(variant: Variant, event: EventContract): string {
  switch (variant) {
    case "not-json":
      return "{ this is not json";
    case "not-an-envelope":
      return JSON.stringify({ hello: "world" });
    case "invalid-data":
      // A well-formed envelope of the right type whose data breaks the contract.
      return JSON.stringify({
        id: randomUUID(),
        type: event.type,
        version: event.version,
        occurredAt: new Date().toISOString(),
        source: "faults",
        data: { orderId: 42 },
      });
  }
}

const VARIANTS: readonly Variant[] = ["not-json", "not-an-envelope", "invalid-data"];

/**
 * Where poison of an event reaches its consumers: its contract subject, or, when it is read per partition
 * (`evt.<type>.v<n>.<partition>` and `.*`), partition 0's subject, which both kinds of consumer read.
 */
function poisonSubject(event: EventContract, consumed: ReadonlySet<string>): string | undefined {
  if (consumed.has(event.subject)) return event.subject;
  const partitioned = [...consumed].some((f) => f.startsWith(`${event.subject}.`));
  return partitioned ? eventPartitionSubject(event, 0) : undefined;
}

/** Every subject a durable consumer filters on. */
async function consumedSubjects(nc: NatsConnection): Promise<Set<string>> {
  const jsm = await jetstreamManager(nc, { timeout: 10_000 });
  const subjects = new Set<string>();
  for await (const stream of jsm.streams.list()) {
    for await (const c of jsm.consumers.list(stream.config.name)) {
      if (c.config.durable_name && c.config.filter_subject) subjects.add(c.config.filter_subject);
    }
  }
  return subjects;
}

/**
 * `poisonMessages` publishes, mid-load, three malformed messages into every stream (not JSON, not an
 * envelope, an envelope whose data breaks its contract), each on a subject of one of the stream's events,
 * so every consumer of that event meets them. Each must be dead-lettered once per consumer and block
 * nothing behind it.
 */
export function poisonMessages(options: { readonly at?: number } = {}): Fault {
  return {
    name: "poison-messages",
    description: "three malformed messages into every stream, mid-load",
    async inject(context) {
      await delay(context.loadMs * (options.at ?? 0.3));
      const nc = await context.system.broker.connect("faults-poison");
      try {
        const js = jetstream(nc);
        recordFault(context, { fault: "poison", action: "start" });
        const consumed = await consumedSubjects(nc);
        for (const stream of STREAMS) {
          if (stream.name === DEAD_LETTER_STREAM.name) continue;
          // Subjects someone consumes first: that is where poison can hurt.
          const own = ALL_EVENTS.filter((e) => e.stream.name === stream.name);
          const hit = own.filter((e) => poisonSubject(e, consumed) !== undefined);
          const events = hit.length > 0 ? hit : own;
          for (const [i, variant] of VARIANTS.entries()) {
            const event = events[i % events.length];
            if (!event) continue;
            const subject = poisonSubject(event, consumed) ?? event.subject;
            const ack = await js.publish(subject, poisonPayload(variant, event), { timeout: 10_000 });
            context.history.record({
              type: "poison",
              stream: stream.name,
              subject,
              seq: ack.seq,
              variant,
            });
          }
        }
        recordFault(context, { fault: "poison", action: "heal" });
      } finally {
        await nc.close();
      }
    },
  };
}
