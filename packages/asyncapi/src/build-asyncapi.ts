import {
  ALL_EVENTS,
  ALL_RPCS,
  type EventContract,
  envelopeSchema,
  RPC_PREFIX,
  type RpcContract,
} from "@bazaar/contracts";
import type * as v from "valibot";
import { type JsonSchema, jsonSchemaOf } from "./json-schema.js";

export interface AsyncApiOptions {
  readonly version: string;
  /** Sample envelopes per event (`type.vN`), shown as the message's examples. */
  readonly examples?: (event: EventContract) => readonly unknown[];
}

const ref = (path: string) => ({ $ref: `#/${path}` });
const id = (subject: string): string => subject.replace(/[^\w.-]/g, "_");

// What travels in NATS headers with every event and request (the payload is the JSON body).
const EVENT_HEADERS: JsonSchema = {
  type: "object",
  properties: {
    "Nats-Msg-Id": {
      type: "string",
      description: "The event id: JetStream drops a repeat within the window",
    },
    "Bazaar-Event-Type": { type: "string" },
    "Bazaar-Event-Id": { type: "string" },
    traceparent: { type: "string", description: "W3C trace context of the event's own span" },
  },
};
const REQUEST_HEADERS: JsonSchema = {
  type: "object",
  properties: {
    traceparent: { type: "string", description: "W3C trace context of the caller's span" },
    tracestate: { type: "string" },
    "Bazaar-Request-Id": { type: "string" },
    "Bazaar-Caller": { type: "string", description: "The calling service" },
    "Bazaar-Timeout-Ms": { type: "string", description: "How long the caller still waits, in ms" },
    "Idempotency-Key": {
      type: "string",
      description: "Commands: a repeat with the same key gets the same answer",
    },
  },
};

function eventParts(event: EventContract, examples: readonly unknown[]) {
  const key = id(event.subject);
  return {
    key,
    channel: {
      address: event.subject,
      title: `${event.type} v${event.version}`,
      description: event.description,
      messages: { [key]: ref(`components/messages/${key}`) },
      "x-bazaar-stream": event.stream.name,
      // With PARTITIONS above 1, a keyed event travels on its key's partition's subject.
      ...(event.partitionKey ? { "x-bazaar-partition-address": `${event.subject}.{partition}` } : {}),
    },
    operation: {
      action: "send",
      channel: ref(`channels/${key}`),
      summary: `${event.publisher} publishes ${event.type} v${event.version} (stream ${event.stream.name})`,
      messages: [ref(`channels/${key}/messages/${key}`)],
      "x-bazaar-publisher": event.publisher,
    },
    message: {
      name: event.type,
      title: `${event.type} v${event.version}`,
      summary: event.description,
      contentType: "application/json",
      headers: EVENT_HEADERS,
      payload: jsonSchemaOf(envelopeSchema(event) as unknown as v.GenericSchema),
      ...(examples.length > 0
        ? { examples: examples.map((payload, i) => ({ name: `example-${i + 1}`, payload })) }
        : {}),
    },
  };
}

function rpcParts(rpc: RpcContract) {
  const key = id(rpc.subject);
  const reply = `${key}.reply`;
  return {
    key,
    channels: {
      [key]: {
        address: rpc.subject,
        title: `${rpc.service}.${rpc.name}`,
        // With PARTITIONS above 1: the key's partition answers, or every partition (gathered by the caller).
        ...(rpc.partitionKey || rpc.gather
          ? {
              "x-bazaar-partition-address": `${RPC_PREFIX}.${rpc.service}.{partition}.${rpc.name}`,
              "x-bazaar-partition-routing": rpc.gather ? "gather" : "key",
            }
          : {}),
        description: rpc.description,
        messages: { request: ref(`components/messages/${key}.request`) },
      },
      // The reply goes to the caller's own inbox: an address known only at run time.
      [reply]: {
        address: null,
        description: `The answer to ${rpc.subject}, on the caller's inbox${rpc.streaming ? " (a stream of item chunks)" : ""}`,
        messages: { response: ref(`components/messages/${key}.response`) },
      },
    },
    operation: {
      action: "receive",
      channel: ref(`channels/${key}`),
      summary: `${rpc.service} answers ${rpc.name}${rpc.command ? " (a command: send an Idempotency-Key)" : ""}`,
      description: `${rpc.description} Errors: ${rpc.errors.join(", ") || "none declared"}; any call may also be UNAVAILABLE, TIMEOUT or INTERNAL.`,
      messages: [ref(`channels/${key}/messages/request`)],
      reply: { channel: ref(`channels/${reply}`), messages: [ref(`channels/${reply}/messages/response`)] },
      "x-bazaar-timeout-ms": rpc.timeoutMs,
      "x-bazaar-errors": rpc.errors,
    },
    messages: {
      [`${key}.request`]: {
        name: `${rpc.service}.${rpc.name}.request`,
        contentType: "application/json",
        headers: REQUEST_HEADERS,
        payload: jsonSchemaOf(rpc.request as unknown as v.GenericSchema),
      },
      [`${key}.response`]: {
        name: `${rpc.service}.${rpc.name}.response`,
        contentType: "application/json",
        payload: jsonSchemaOf(rpc.response as unknown as v.GenericSchema),
      },
    },
  };
}

/**
 * `buildAsyncApi` is the AsyncAPI 3.0 document of the system, from the contracts alone: every event
 * (its subject, stream, envelope schema and samples) as a channel its publisher sends on, and every RPC
 * as a request channel its service receives on, with the reply on the caller's inbox.
 */
export function buildAsyncApi(options: AsyncApiOptions): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const event of ALL_EVENTS) {
    const p = eventParts(event, options.examples?.(event) ?? []);
    channels[p.key] = p.channel;
    operations[`send-${p.key}`] = p.operation;
    messages[p.key] = p.message;
  }
  for (const rpc of ALL_RPCS) {
    const p = rpcParts(rpc);
    Object.assign(channels, p.channels);
    operations[`answer-${p.key}`] = p.operation;
    Object.assign(messages, p.messages);
  }
  return {
    asyncapi: "3.0.0",
    info: {
      title: "Bazaar",
      version: options.version,
      description:
        "Every event (JetStream, at least once, deduplicated by event id) and every request-reply call (the NATS services API, queue group `q`) between Bazaar's services.",
    },
    defaultContentType: "application/json",
    servers: {
      nats: {
        host: "localhost:4222",
        protocol: "nats",
        description:
          "The broker; each service connects as its own user with permissions derived from its declaration",
      },
    },
    channels,
    operations,
    components: { messages },
  };
}
