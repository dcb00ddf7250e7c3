import { type MsgHdrs, headers as natsHeaders } from "@nats-io/transport-node";

/** Header names the kit puts on NATS messages. */
export const H = {
  traceparent: "traceparent",
  tracestate: "tracestate",
  requestId: "Bazaar-Request-Id",
  idempotencyKey: "Idempotency-Key",
  caller: "Bazaar-Caller",
  /**
   * How many ms the caller still waits, counted from when it sent the request. The callee adds it to its own
   * clock on arrival, so no two machines' clocks are ever compared (an absolute deadline would be).
   */
  timeoutMs: "Bazaar-Timeout-Ms",
  errorCode: "Bazaar-Error-Code",
  serviceError: "Nats-Service-Error",
  serviceErrorCode: "Nats-Service-Error-Code",
  eventType: "Bazaar-Event-Type",
  eventId: "Bazaar-Event-Id",
  /** Streaming calls. */
  streamCredit: "Bazaar-Stream-Credit",
  streamAck: "Bazaar-Stream-Ack",
  streamSeq: "Bazaar-Stream-Seq",
  streamEnd: "Bazaar-Stream-End",
  /** Dead letters. */
  dlqStream: "Bazaar-Dlq-Stream",
  dlqSubject: "Bazaar-Dlq-Subject",
  dlqSequence: "Bazaar-Dlq-Sequence",
  dlqConsumer: "Bazaar-Dlq-Consumer",
  dlqService: "Bazaar-Dlq-Service",
  dlqDeliveries: "Bazaar-Dlq-Deliveries",
  dlqError: "Bazaar-Dlq-Error",
  dlqReason: "Bazaar-Dlq-Reason",
  dlqFailedAt: "Bazaar-Dlq-Failed-At",
} as const;

/** `makeHeaders` builds NATS headers from a record, skipping undefined values. */
export function makeHeaders(values: Record<string, string | undefined>): MsgHdrs {
  const h = natsHeaders();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) h.set(key, value);
  }
  return h;
}

/** `headerOf` reads one header, or undefined when absent or empty. */
export function headerOf(headers: MsgHdrs | undefined, name: string): string | undefined {
  const value = headers?.get(name);
  return value ? value : undefined;
}
