// Internals for the kit's own tests and for tools (benchmarks, the dev runner). Not a stable surface:
// services import from "@bazaar/service-kit".
export { retryDelay, sleep } from "./events/backoff.js";
export { EventConsumer } from "./events/consumer.js";
export { writeDeadLetter } from "./events/dead-letter-writer.js";
export { envelopeValidator } from "./events/envelope.js";
export { consumeFilter, publishSubject } from "./events/event-subjects.js";
export { createInbox } from "./events/inbox.js";
export { createOutboxWriter } from "./events/outbox.js";
export { OutboxRelay } from "./events/outbox-relay.js";
export { evaluateReadiness } from "./health/readiness.js";
export { makeHeaders } from "./nats/headers.js";
export { gatherAnswers } from "./rpc/gather-answers.js";
export { InFlight } from "./rpc/in-flight.js";
export { LocalRpcRegistry, localRpcRegistry } from "./rpc/local-registry.js";
export { startRpcServer } from "./rpc/rpc-server.js";
export { serveStream, streamCall } from "./rpc/rpc-stream.js";
export { createRequestServer } from "./rpc/serve-request.js";
export { kitSchema } from "./store/kit-schema.js";
export { applySchemaModules } from "./store/schema-modules.js";
