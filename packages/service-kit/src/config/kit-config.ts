import { randomBytes } from "node:crypto";
import { boolVar, enumVar, intVar, listVar, optionalStringVar, stringVar } from "./env-vars.js";
import type { ConfigOf } from "./load-config.js";

const SECOND = 1000;

/**
 * The variables every service understands. Defaults suit `pnpm dev` on one machine, so no `.env` is
 * needed there; production sets at least `NODE_ENV=production`, `NATS_URL`, `DATA_DIR`, `HOST`, `PORT`.
 */
export const kitEnv = {
  NODE_ENV: enumVar(["development", "test", "production"], "development"),
  /** One URL or a comma-separated list of cluster URLs. */
  NATS_URL: stringVar("nats://127.0.0.1:4222"),
  /** A NATS credentials file (JWT + nkey), for secured clusters. */
  NATS_CREDS: optionalStringVar(),
  NATS_USER: optionalStringVar(),
  NATS_PASSWORD: optionalStringVar(),
  NATS_TOKEN: optionalStringVar(),
  HOST: stringVar("127.0.0.1"),
  /** 0 picks a free port. */
  PORT: intVar(0, 0, 65535),
  DATA_DIR: stringVar(".data"),
  /** Defaults to `<DATA_DIR>/<service>.db`. */
  DB_FILE: optionalStringVar(),
  /**
   * FULL makes every commit durable before it returns, which matters because commits gate JetStream
   * acks; NORMAL is faster and may lose the last commits on power loss.
   */
  SQLITE_SYNCHRONOUS: enumVar(["FULL", "NORMAL"], "FULL"),
  LOG_LEVEL: enumVar(["trace", "debug", "info", "warn", "error", "fatal", "silent"], "info"),
  /** Default: pretty in development, JSON otherwise. */
  LOG_FORMAT: enumVar(["auto", "json", "pretty"], "auto"),
  /** Default: a new random id at each start (several services in one process get one each). */
  INSTANCE_ID: stringVar(
    () => randomBytes(4).toString("hex"),
    /^[A-Za-z0-9_-]{1,40}$/,
    "letters, digits, _ or -",
  ),
  SHUTDOWN_TIMEOUT_MS: intVar(10 * SECOND, 0, 10 * 60 * SECOND),
  /** Responses are validated against their contract outside production (a contract bug surfaces in tests). */
  VALIDATE_RESPONSES: enumVar(["auto", "true", "false"], "auto"),
  /** Replicas of the streams a service owns (1 on one server, 3 on a cluster). */
  JS_REPLICAS: intVar(1, 1, 5),
  /** Deliveries after which a failing event goes to the dead-letter stream. */
  CONSUMER_MAX_DELIVER: intVar(5, 1, 100),
  /** First retry delay; doubles with each delivery up to the max. */
  CONSUMER_BACKOFF_MS: intVar(1 * SECOND, 1, 60 * 60 * SECOND),
  CONSUMER_BACKOFF_MAX_MS: intVar(60 * SECOND, 1, 24 * 60 * 60 * SECOND),
  CONSUMER_ACK_WAIT_MS: intVar(30 * SECOND, 1 * SECOND, 60 * 60 * SECOND),
  /** How many events the outbox relay publishes before awaiting their acks. */
  OUTBOX_BATCH: intVar(64, 1, 1000),
  OUTBOX_SWEEP_MS: intVar(1 * SECOND, 10, 60 * SECOND),
  OUTBOX_RETENTION_MS: intVar(24 * 60 * 60 * SECOND, 0, 365 * 24 * 60 * 60 * SECOND),
  /** How often readiness is re-evaluated to pause or resume consumers. */
  READINESS_INTERVAL_MS: intVar(1 * SECOND, 50, 60 * SECOND),
  /**
   * Call an RPC served by a service of this same process (the modular monolith) directly instead of
   * through the broker, with the same checks, errors, deadlines and idempotency. Off by nature when each
   * service runs in its own process; false sends every call through NATS.
   */
  RPC_LOCAL_DISPATCH: boolVar(true),
  /**
   * How many partitions each partitioned service's keys are spread over, fixed at deploy and the same
   * for every service of a system (callers route with it). 1: nothing is partitioned, one file, one
   * instance. Changing it moves most keys; see docs/scale-out.md.
   */
  PARTITIONS: intVar(1, 1, 1024),
  /** How many instances share a partitioned service's partitions (the StatefulSet's replicas). */
  INSTANCES: intVar(1, 1, 1024),
  /** This instance's ordinal among them, 0..INSTANCES-1 (a StatefulSet pod's index). */
  ORDINAL: intVar(0, 0, 1023),
  /**
   * The partitions this instance owns, overriding the ones INSTANCES and ORDINAL assign (a handover
   * moves one partition this way). Comma-separated numbers.
   */
  PARTITIONS_OWNED: listVar([], { pattern: /^\d{1,4}$/, expected: "partition numbers" }),
  /**
   * The lifetime of a partition's lease: an owner that stops renewing loses it this long after its last
   * renewal, and only then can another instance take the partition over.
   */
  LEASE_TTL_MS: intVar(10 * SECOND, 1 * SECOND, 5 * 60 * SECOND),
  /**
   * How long a start waits for a partition whose lease another owner still holds (a restarted owner
   * waits for its own previous lease to expire) before it refuses to start.
   */
  LEASE_WAIT_MS: intVar(15 * SECOND, 0, 10 * 60 * SECOND),
  /** Serve `GET /metrics`. */
  METRICS: boolVar(true),
  /**
   * Serve `/metrics` on this port of its own instead of `PORT` (0): for a service whose `PORT` is public,
   * the gateway's, so Prometheus scrapes a port the internet does not reach.
   */
  METRICS_PORT: intVar(0, 0, 65535),
} as const;

export type KitConfig = ConfigOf<typeof kitEnv>;
