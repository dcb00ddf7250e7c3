import { randomUUID } from "node:crypto";
import {
  type EventContract,
  type EventData,
  type EventEnvelope,
  ORDERS_STREAM,
  PAYMENTS_STREAM,
  USERS_STREAM,
} from "@bazaar/contracts";
import { ensureStream, type ServiceRuntime } from "@bazaar/service-kit/platform";
import type { TestClient, TestService } from "@bazaar/service-kit/testing";
import { eq } from "drizzle-orm";
import { messages } from "../db/schema.js";

/**
 * The publishers (users, orders, payments) do not run in these tests, so nobody else creates their
 * streams: `givenSourceStreams` does, as the operator (notifications itself may not), then waits until
 * every consumer of the service is running.
 */
export async function givenSourceStreams(svc: TestService, operator: TestClient): Promise<void> {
  for (const stream of [USERS_STREAM, ORDERS_STREAM, PAYMENTS_STREAM])
    await ensureStream(operator.jsm, stream);
  for (let i = 0; ; i++) {
    const report = await svc.runtime.health();
    if (report.status === "pass") return;
    if (i > 300) throw new Error(`service not ready: ${JSON.stringify(report.checks.consumers)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `envelopeOf` wraps data as its publisher would (a fresh event id unless one is given). */
export function envelopeOf<E extends EventContract>(
  event: E,
  data: EventData<E>,
  id: string = randomUUID(),
): EventEnvelope<E["type"], EventData<E>> {
  return {
    id,
    type: event.type,
    version: event.version,
    occurredAt: new Date().toISOString(),
    source: event.publisher,
    data,
  };
}

/**
 * `publish` stores an envelope in its stream as its publisher would, with its own id as the JetStream
 * message id unless told; it publishes as the operator, since notifications may not publish others' events.
 */
export async function publish(
  operator: TestClient,
  event: EventContract,
  envelope: EventEnvelope,
  msgID: string = envelope.id,
): Promise<void> {
  await operator.js.publish(event.subject, JSON.stringify(envelope), { msgID });
}

export type NotificationRow = typeof messages.$inferSelect;

/** The rows recorded for one event (a test expects exactly one). */
export function rowsFor(runtime: ServiceRuntime, eventId: string): NotificationRow[] {
  return runtime.db.select().from(messages).where(eq(messages.eventId, eventId)).all();
}

/** `waitForRow` polls until the event's row satisfies `done` (e.g. it was sent) and returns it. */
export async function waitForRow(
  runtime: ServiceRuntime,
  eventId: string,
  done: (row: NotificationRow) => boolean,
  timeoutMs = 10_000,
): Promise<NotificationRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = rowsFor(runtime, eventId)[0];
    if (row && done(row)) return row;
    if (Date.now() > deadline)
      throw new Error(
        `event ${eventId}: ${row ? `row is ${JSON.stringify(row)}` : "no row"} after ${timeoutMs} ms`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const isSent = (row: NotificationRow): boolean => row.status === "sent";
