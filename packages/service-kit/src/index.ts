// The kit's door for service authors: what a service's own code needs to declare itself, handle its
// requests and events, keep its data and run. The gateway, the runners and shared packages use
// "@bazaar/service-kit/platform", which has these and the machinery under them.
export {
  boolVar,
  type EnvVar,
  enumVar,
  intVar,
  listVar,
  optionalStringVar,
  stringVar,
} from "./config/env-vars.js";
export { ConfigError } from "./config/load-config.js";
export {
  AppError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
  UnprocessableError,
} from "./errors/app-error.js";
export { type Outcome, refuse, settled } from "./errors/refusal.js";
export { retryDelay, sleep } from "./events/backoff.js";
export type { Emitter } from "./events/outbox.js";
export { replayEvents } from "./events/replay.js";
export type { ReadinessCheck } from "./health/readiness.js";
export type { Logger } from "./logging/logger.js";
export { Counter, Gauge, Histogram, type ServiceMetrics } from "./metrics/metrics.js";
export { decodeCursor, encodeCursor } from "./pagination/cursor.js";
export { keysetLimit, keysetPage } from "./pagination/keyset-page.js";
export { type IdInPartitionOptions, idInPartition } from "./partitions/id-in-partition.js";
export { declareService, type RuntimeOf } from "./service/declare-service.js";
export { runService } from "./service/run-service.js";
export type {
  CallFn,
  ConfigFor,
  Queryable,
  ServiceDefinition,
  ServiceRuntime,
  SubscriptionOptions,
  TransactionFn,
} from "./service/types.js";
export { scryptHash, scryptVerify, unmatchableScryptHash } from "./store/scrypt-hash.js";
