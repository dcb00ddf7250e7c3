export {
  boolVar,
  type EnvVar,
  enumVar,
  intVar,
  listVar,
  optionalStringVar,
  stringVar,
} from "./config/env-vars.js";
export { type KitConfig, kitEnv } from "./config/kit-config.js";
export { ConfigError, type ConfigOf, type EnvSchema, loadConfig } from "./config/load-config.js";
export {
  AppError,
  type AppErrorOptions,
  appError,
  BadRequestError,
  ConflictError,
  errorFromBody,
  ForbiddenError,
  InternalError,
  type Issue,
  isTransient,
  NotFoundError,
  RateLimitedError,
  TimeoutError,
  UnauthorizedError,
  UnavailableError,
  UndeclaredDependencyError,
  UnprocessableError,
} from "./errors/app-error.js";
export { type Outcome, refuse, settled } from "./errors/refusal.js";
export { parseOrThrow, toIssues } from "./errors/validation.js";
export { retryDelay, sleep } from "./events/backoff.js";
export { type ApplyOutcome, type ConsumerStatus, consumerName, type EventMeta } from "./events/consumer.js";
export { deadLetterSubject } from "./events/dead-letter-writer.js";
export {
  createDeadLetters,
  type DeadLetter,
  type DeadLetterStats,
  type DeadLetters,
  type ReplayResult,
} from "./events/dead-letters.js";
export type { StartFrom } from "./events/durable-consumer.js";
export { buildEnvelope, EventValidationError } from "./events/envelope.js";
export { type EmitOptions, type Emitter, OutboxUsageError } from "./events/outbox.js";
export type { OutboxStats } from "./events/outbox-relay.js";
export {
  type ReplayEventsOptions,
  type ReplayEventsResult,
  type ReplayedStream,
  type ReplayMeta,
  type ReplayProgress,
  replayEvents,
  type SkippedMessage,
} from "./events/replay.js";
export { type EnsureOutcome, ensureStream, isNotFound, streamConfig } from "./events/streams.js";
export { CheckFailed, type CheckResult, type HealthReport, type ReadinessCheck } from "./health/readiness.js";
export { createServiceApp, type KitEnv } from "./http/create-service-app.js";
export { PROBLEM_CONTENT_TYPE, type Problem, problemResponse, toProblem } from "./http/problem.js";
export { createLogger, type Logger } from "./logging/logger.js";
export { Counter, createMetrics, Gauge, Histogram, type ServiceMetrics } from "./metrics/metrics.js";
export { connectNats, type NatsLink } from "./nats/connect.js";
export { H as HEADERS } from "./nats/headers.js";
export { decodeCursor, encodeCursor } from "./pagination/cursor.js";
export { keysetLimit, keysetPage } from "./pagination/keyset-page.js";
export {
  type AdminGrants,
  adminApiGrants,
  type BrokerPermissions,
  brokerAuthorizationConfig,
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
export {
  BROKER_DOWN,
  type CallOptions,
  createRpcClient,
  isBrokerDown,
  type RpcClient,
} from "./rpc/rpc-client.js";
export type { StreamCallOptions } from "./rpc/rpc-stream.js";
export {
  type DeclareServiceOptions,
  declareService,
  describeTopology,
  type RuntimeOf,
  type ServiceDeclaration,
} from "./service/declare-service.js";
export { HEALTH_SUBJECT } from "./service/health-wiring.js";
export { runService } from "./service/run-service.js";
export { type RunningService, type StartServiceOptions, startService } from "./service/start-service.js";
export type {
  BaseContext,
  CallFn,
  ConfigFor,
  EventContext,
  EventHandler,
  Queryable,
  RpcContext,
  RpcHandler,
  ServedRpc,
  ServiceDefinition,
  ServiceParts,
  ServiceRuntime,
  SetupParts,
  StoreDeclaration,
  StreamFn,
  Subscription,
  SubscriptionOptions,
  TransactionFn,
  Tx,
} from "./service/types.js";
export {
  type Db,
  type DrizzleSchema,
  type OpenStoreOptions,
  openStore,
  type Store,
  StoreMigrationError,
} from "./store/open-store.js";
export type { SchemaModule } from "./store/schema-modules.js";
export { scryptHash, scryptVerify, unmatchableScryptHash } from "./store/scrypt-hash.js";
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
