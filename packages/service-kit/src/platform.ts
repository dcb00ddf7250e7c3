// The platform's door: everything a service author has (the package's main door), plus what the gateway,
// the runners, the deploy tools and shared packages build on: servers and clients, config loading,
// permissions, replay and dead letters, streams, tracing, schema modules.

export { type KitConfig, kitEnv } from "./config/kit-config.js";
export { type ConfigOf, type EnvSchema, loadConfig } from "./config/load-config.js";
export {
  type AppErrorOptions,
  appError,
  errorFromBody,
  InternalError,
  type Issue,
  isTransient,
  RateLimitedError,
  TimeoutError,
  UndeclaredDependencyError,
} from "./errors/app-error.js";
export { parseOrThrow, toIssues } from "./errors/validation.js";
export { type ApplyOutcome, type ConsumerStatus, consumerName, type EventMeta } from "./events/consumer.js";
export {
  type DeadLetterBulkAction,
  type DeadLetterBulkCounts,
  type DeadLetterBulkOptions,
  DeadLetterBulkStopped,
  runDeadLetterBulk,
} from "./events/dead-letter-bulk.js";
export { EDITED_AT_HEADER, EDITED_BY_HEADER } from "./events/dead-letter-decode.js";
export { deadLetterGroupKey, normalizeError } from "./events/dead-letter-filter.js";
export { deadLetterSubject } from "./events/dead-letter-writer.js";
export {
  createDeadLetters,
  type DeadLetter,
  type DeadLetterFilter,
  type DeadLetterGroup,
  type DeadLetterPage,
  type DeadLetterStats,
  type DeadLetters,
  type EditReplayResult,
  type ReplayResult,
} from "./events/dead-letters.js";
export type { StartFrom } from "./events/durable-consumer.js";
export { buildEnvelope, EventValidationError } from "./events/envelope.js";
export { type EmitOptions, OutboxUsageError } from "./events/outbox.js";
export type { OutboxStats } from "./events/outbox-relay.js";
export type {
  ReplayEventsOptions,
  ReplayEventsResult,
  ReplayedStream,
  ReplayMeta,
  ReplayProgress,
  SkippedMessage,
} from "./events/replay.js";
export { type EnsureOutcome, ensureStream, isNotFound, streamConfig } from "./events/streams.js";
export { CheckFailed, type CheckResult, type HealthReport } from "./health/readiness.js";
export { createServiceApp, type KitEnv } from "./http/create-service-app.js";
export { createMetricsApp } from "./http/metrics-app.js";
export { PROBLEM_CONTENT_TYPE, type Problem, problemResponse, toProblem } from "./http/problem.js";
export * from "./index.js";
export { createLogger } from "./logging/logger.js";
export { createMetrics } from "./metrics/metrics.js";
export { connectNats, type NatsLink } from "./nats/connect.js";
export { H as HEADERS, makeHeaders } from "./nats/headers.js";
export {
  type AcquirePartitionLeaseOptions,
  type AssertFencingTokenOptions,
  type AssignPartitionsOptions,
  acquirePartitionLease,
  assertFencingToken,
  assignPartitions,
  type HandoverResult,
  type HostedReport,
  handoverPartition,
  type LeaseGrants,
  type LeaseState,
  leaseBucketName,
  leaseKey,
  leaseStreamName,
  listPartitionOwners,
  type OpenLeaseBucketOptions,
  openLeaseBucket,
  type PartitionControlOptions,
  type PartitionLease,
  type PartitionOfOptions,
  partitionLeaseGrants,
  partitionOf,
  releasePartition,
  takePartition,
} from "./partitions/index.js";
export {
  type AdminGrants,
  adminApiGrants,
  type BrokerPermissions,
  brokerAuthorizationConfig,
  DEFAULT_GRANTED_PARTITIONS,
  type DeriveBrokerPermissionsOptions,
  deriveBrokerPermissions,
  inboxPrefix,
  OPERATOR_USER,
  passwordVariable,
  type ResponseRules,
  type ServiceIdentity,
  type SubjectRules,
  streamCreditPrefix,
} from "./permissions/index.js";
export { connectRpcClient, type RpcConnection } from "./rpc/connect-client.js";
export { InFlight } from "./rpc/in-flight.js";
export {
  BROKER_DOWN,
  type CallOptions,
  createRpcClient,
  isBrokerDown,
  type RpcClient,
} from "./rpc/rpc-client.js";
export type { StreamCallOptions } from "./rpc/rpc-stream.js";
export { type RpcTransport, rpcTransportMetrics } from "./rpc/transport-metrics.js";
export {
  type DeclareServiceOptions,
  describeTopology,
  type ServiceDeclaration,
} from "./service/declare-service.js";
export { HEALTH_SUBJECT } from "./service/health-wiring.js";
export { SERVICE_NODE_FLAGS, SERVICE_START_COMMAND } from "./service/node-flags.js";
export { type RunningService, type StartServiceOptions, startService } from "./service/start-service.js";
export type {
  BaseContext,
  EventContext,
  EventHandler,
  RpcContext,
  RpcHandler,
  ServedRpc,
  ServiceParts,
  SetupParts,
  StoreDeclaration,
  StreamFn,
  Subscription,
  Tx,
} from "./service/types.js";
export { kitSchema } from "./store/kit-schema.js";
export {
  type Db,
  type DrizzleSchema,
  type OpenStoreOptions,
  openStore,
  type Store,
  StoreMigrationError,
} from "./store/open-store.js";
export type { SchemaModule } from "./store/schema-modules.js";
export { applySchemaModules } from "./store/schema-modules.js";
export { type KitSpan, SpanKind, startSpan } from "./tracing/spans.js";
export { NO_TELEMETRY, startTelemetry, type Telemetry } from "./tracing/telemetry.js";
export {
  childSpan,
  currentScope,
  formatTraceparent,
  newTrace,
  parseTraceContext,
  parseTraceparent,
  runInScope,
  type Scope,
  type TraceContext,
} from "./tracing/trace-context.js";
