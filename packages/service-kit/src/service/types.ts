import type {
  EnvelopeOf,
  EventContract,
  RpcContract,
  RpcRequest,
  RpcRequestInput,
  RpcResponse,
} from "@bazaar/contracts";
import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import type { RunResult } from "better-sqlite3";
import type { BaseSQLiteDatabase } from "drizzle-orm/sqlite-core";
import type { Hono } from "hono";
import type { Logger } from "pino";
import type { KitConfig } from "../config/kit-config.js";
import type { ConfigOf, EnvSchema } from "../config/load-config.js";
import type { EventMeta } from "../events/consumer.js";
import type { DeadLetters } from "../events/dead-letters.js";
import type { StartFrom } from "../events/durable-consumer.js";
import type { Emitter } from "../events/outbox.js";
import type { OutboxStats } from "../events/outbox-relay.js";
import type { HealthReport, ReadinessCheck } from "../health/readiness.js";
import type { KitEnv } from "../http/create-service-app.js";
import type { ServiceMetrics } from "../metrics/metrics.js";
import type { CallOptions } from "../rpc/rpc-client.js";
import type { StreamCallOptions } from "../rpc/rpc-stream.js";
import type { Db, DrizzleSchema, Store } from "../store/open-store.js";
import type { SchemaModule } from "../store/schema-modules.js";
import type { Telemetry } from "../tracing/telemetry.js";
import type { TraceContext } from "../tracing/trace-context.js";

/** Anything that runs queries on a service's schema: the database handle or a transaction. */
export type Queryable<TSchema extends DrizzleSchema> = BaseSQLiteDatabase<"sync", RunResult, TSchema>;

/** A drizzle transaction on a service's schema. */
export type Tx<TSchema extends DrizzleSchema> = Parameters<Parameters<Db<TSchema>["transaction"]>[0]>[0];

/** Calls limited to the contracts a service declared in `calls`. */
export type CallFn<TCalls extends RpcContract> = <C extends TCalls>(
  contract: C,
  input: RpcRequestInput<C>,
  options?: CallOptions,
) => Promise<RpcResponse<C>>;
export type StreamFn<TCalls extends RpcContract> = <C extends TCalls>(
  contract: C,
  input: RpcRequestInput<C>,
  options?: StreamCallOptions,
) => AsyncIterable<RpcResponse<C>[]>;

/**
 * Runs `fn` in one synchronous SQLite transaction (BEGIN IMMEDIATE). Events emitted through `outbox`
 * commit with the state change, or neither does; the relay publishes them right after the commit.
 */
export type TransactionFn<TSchema extends DrizzleSchema, TEmits extends EventContract> = <T>(
  fn: (tx: Tx<TSchema>, outbox: Emitter<TEmits>) => T,
) => T;

export interface BaseContext<TConfig, TDeps = undefined> {
  readonly service: string;
  readonly instance: string;
  readonly config: TConfig;
  readonly log: Logger;
  readonly trace: TraceContext;
  /** What the service's `setup` made for this running instance (its engines, clients, caches). */
  readonly deps: TDeps;
}

/** What an RPC handler receives besides its validated input. */
export interface RpcContext<
  TSchema extends DrizzleSchema,
  TCalls extends RpcContract,
  TEmits extends EventContract,
  TConfig,
  TDeps = undefined,
> extends BaseContext<TConfig, TDeps> {
  readonly requestId: string | undefined;
  /** The partition serving this call (a partitioned service's); undefined otherwise. */
  readonly partition: number | undefined;
  /** The caller's idempotency key (commands). */
  readonly idempotencyKey: string | undefined;
  readonly db: Db<TSchema>;
  readonly call: CallFn<TCalls>;
  readonly stream: StreamFn<TCalls>;
  readonly transaction: TransactionFn<TSchema, TEmits>;
  /** `idempotently` for a command whose whole work is one transaction. */
  readonly idempotent: <T>(fn: (tx: Tx<TSchema>, outbox: Emitter<TEmits>) => T) => Promise<T>;
  /**
   * Runs a command once per idempotency key (the caller's, or `options.key`): `work` gets `commit`, the
   * transaction in which its response (what `commit`'s function returns, and what `work` should return)
   * is stored with the state change. A repeat of the same request gets the stored response without
   * running `work`; the key with a different request is UNPROCESSABLE (reason IDEMPOTENCY_KEY_REUSED); a
   * repeat while `work` still runs is CONFLICT (reason IDEMPOTENCY_KEY_IN_FLIGHT). The key is held from
   * the start of `work`, so asynchronous steps before the commit (a password hash, a price quote) are
   * covered too. Without a key, `work` just runs.
   */
  readonly idempotently: <T>(
    work: (commit: TransactionFn<TSchema, TEmits>) => T | Promise<T>,
    options?: { readonly key?: string },
  ) => Promise<T>;
}

/** What an event handler receives: it runs inside the transaction that also records the event as applied. */
export interface EventContext<
  TSchema extends DrizzleSchema,
  TEmits extends EventContract,
  TConfig,
  TDeps = undefined,
> extends BaseContext<TConfig, TDeps> {
  readonly tx: Tx<TSchema>;
  readonly outbox: Emitter<TEmits>;
  readonly meta: EventMeta;
  /** The partition applying it (a partitioned service's); undefined otherwise. */
  readonly partition: number | undefined;
  /**
   * Whether this partition owns the key (always, for an unpartitioned service): in an `everyPartition`
   * subscription, what only one partition may do (queue a message) is done by the key's owner.
   */
  readonly owns: (key: string) => boolean;
}

export type RpcHandler<C extends RpcContract, Ctx> = C["streaming"] extends true
  ? (
      input: RpcRequest<C>,
      ctx: Ctx,
    ) =>
      | AsyncIterable<RpcResponse<C>>
      | Iterable<RpcResponse<C>>
      | Promise<AsyncIterable<RpcResponse<C>> | Iterable<RpcResponse<C>>>
  : (input: RpcRequest<C>, ctx: Ctx) => RpcResponse<C> | Promise<RpcResponse<C>>;

/**
 * An event handler is synchronous on purpose: SQLite transactions are synchronous, and an awaited write
 * would commit outside the transaction that records the event as applied.
 */
export type EventHandler<E extends EventContract, Ctx> = (event: EnvelopeOf<E>, ctx: Ctx) => void;

/** An endpoint a service serves (made with `declaration.handle`). */
export interface ServedRpc {
  readonly contract: RpcContract;
  readonly handler: (input: never, ctx: never) => unknown;
}

/** How a subscription is declared besides its event and handler (the third argument of `declaration.on`). */
export interface SubscriptionOptions {
  /**
   * Where the subscription's durable starts the first time it is created (later starts resume where it
   * left off, and changing this never resets an existing durable). `"start"` (the default) reads the
   * stream from its first message: projections and any state kept about others' facts need the history,
   * and a default that skipped it would lose events silently. `"new"` reads only what is published from
   * then on: for side effects outside the system (email), which must not redo 30 days of history when
   * the service is first deployed.
   */
  readonly from?: StartFrom;
  /**
   * For a partitioned service: every partition applies every event of this subscription, not only its
   * own partition's (reference data each partition needs, keyed differently or not at all: a user's
   * address for the messages about their orders). A handler's side effect that must happen once is then
   * guarded with `ctx.owns(key)`.
   */
  readonly everyPartition?: boolean;
}

/** A subscription a service has (made with `declaration.on`). */
export interface Subscription {
  readonly event: EventContract;
  readonly handler: (event: never, ctx: never) => void;
  /** Where a new durable starts; undefined means `"start"`. */
  readonly from?: StartFrom;
  /** Applied by every partition of a partitioned service (see `SubscriptionOptions`). */
  readonly everyPartition?: boolean;
}

export interface StoreDeclaration<TSchema extends DrizzleSchema> {
  readonly schema: TSchema;
  /** The drizzle migrations folder, e.g. `new URL("../drizzle", import.meta.url)`. */
  readonly migrations?: URL | string;
  /** Tables of shared packages kept in this file (e.g. the saga engine's). */
  readonly modules?: readonly SchemaModule[];
}

/** The live service, as routes, start hooks and tests see it. */
export interface ServiceRuntime<
  TSchema extends DrizzleSchema = DrizzleSchema,
  TCalls extends RpcContract = RpcContract,
  TEmits extends EventContract = EventContract,
  TConfig = KitConfig,
> {
  readonly name: string;
  readonly version: string;
  readonly instance: string;
  /**
   * The partition this runtime is, for a partitioned service running with `PARTITIONS` above 1 (each
   * owned partition has a runtime of its own, its store and its `setup`); undefined otherwise.
   */
  readonly partition: number | undefined;
  readonly config: TConfig;
  readonly log: Logger;
  readonly store: Store<TSchema> | undefined;
  readonly db: Db<TSchema>;
  readonly call: CallFn<TCalls>;
  readonly stream: StreamFn<TCalls>;
  readonly transaction: TransactionFn<TSchema, TEmits>;
  readonly nats: {
    readonly nc: NatsConnection;
    readonly js: JetStreamClient;
    readonly jsm: JetStreamManager;
  };
  readonly metrics: ServiceMetrics;
  /** The service's tracing (spans of its own work, e.g. saga steps); no tracer when tracing is off. */
  readonly telemetry: Telemetry;
  readonly deadLetters: DeadLetters;
  outboxStats(): OutboxStats | undefined;
  health(): Promise<HealthReport>;
}

export type ConfigFor<TEnv extends EnvSchema> = KitConfig & ConfigOf<TEnv>;

/**
 * The per-instance hooks: `setup` makes what the handlers share (`ctx.deps`) once connected, before
 * anything is served; `onStop` releases it. A service without dependencies may still set up (seed data).
 */
export type SetupParts<TRuntime, TDeps> = [TDeps] extends [undefined]
  ? { readonly setup?: (runtime: TRuntime) => void | Promise<void> }
  : { readonly setup: (runtime: TRuntime) => TDeps | Promise<TDeps> };

export type ServiceParts<TRuntime, TDeps = undefined> = SetupParts<TRuntime, TDeps> & {
  /** The endpoints this service serves. */
  readonly serves?: readonly ServedRpc[];
  /** Every event this service consumes, one handler each: the one place to read what it listens to. */
  readonly consumes?: readonly Subscription[];
  /** Extra HTTP routes besides health and metrics. */
  readonly routes?: (app: Hono<KitEnv>, runtime: TRuntime, deps: TDeps) => void;
  /** Extra readiness checks (local ones pause consumers while they fail). */
  readonly checks?: (runtime: TRuntime, deps: TDeps) => readonly ReadinessCheck[];
  /** Runs during shutdown, after requests and consumers stop and before NATS drains. */
  readonly onStop?: (runtime: TRuntime, deps: TDeps) => void | Promise<void>;
};

/**
 * Everything the kit needs to run a service; made by `declareService(...).define(...)`. Its hooks are
 * methods so that a service's precisely typed ones fit the kit's general signature (method parameters are
 * compared bivariantly): the declaration already checked them against the service's own types.
 */
export interface ServiceDefinition {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly store: StoreDeclaration<DrizzleSchema> | undefined;
  readonly calls: readonly RpcContract[];
  readonly emits: readonly EventContract[];
  readonly config: EnvSchema;
  readonly serves: readonly ServedRpc[];
  readonly consumes: readonly Subscription[];
  /** One writer per partition (`declareService`'s `partitioned`). */
  readonly partitioned: boolean;
  validateConfig?(config: KitConfig): readonly string[];
  setup?(runtime: ServiceRuntime): unknown;
  routes?(app: Hono<KitEnv>, runtime: ServiceRuntime, deps: unknown): void;
  checks?(runtime: ServiceRuntime, deps: unknown): readonly ReadinessCheck[];
  onStop?(runtime: ServiceRuntime, deps: unknown): void | Promise<void>;
}
