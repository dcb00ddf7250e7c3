import type { EventContract, RpcContract } from "@bazaar/contracts";
import type { EnvSchema } from "../config/load-config.js";
import type { DrizzleSchema } from "../store/open-store.js";
import type {
  ConfigFor,
  EventContext,
  EventHandler,
  RpcContext,
  RpcHandler,
  ServedRpc,
  ServiceDefinition,
  ServiceParts,
  ServiceRuntime,
  StoreDeclaration,
  Subscription,
  SubscriptionOptions,
} from "./types.js";

export interface DeclareServiceOptions<
  TSchema extends DrizzleSchema,
  TCalls extends readonly RpcContract[],
  TEmits extends readonly EventContract[],
  TEnv extends EnvSchema,
> {
  /** Lower-case, dashes allowed: the NATS service name, the SQLite file name, the consumer prefix. */
  readonly name: string;
  /** Semantic version, shown by `nats micro info`. */
  readonly version: string;
  readonly description: string;
  /** The service's own SQLite file; omit for a service that owns no data. */
  readonly store?: StoreDeclaration<TSchema>;
  /** Every RPC this service calls. Calling anything else is refused. */
  readonly calls?: TCalls;
  /** Every event this service emits. Emitting anything else is refused. */
  readonly emits?: TEmits;
  /** Service-specific environment variables (besides the kit's). */
  readonly config?: TEnv;
  /**
   * One writer per partition (see docs/scale-out.md): every RPC it serves names its partition key in its
   * contract, and with `PARTITIONS` above 1 each partition is a SQLite file of its own, owned through a
   * lease by one instance, which alone serves its calls.
   */
  readonly partitioned?: boolean;
  /**
   * Rules across variables ("SMTP_HOST is required when NOTIFY_TRANSPORT=smtp"), checked right after
   * the environment is parsed, before anything is opened. Returns `"VARIABLE: what is wrong"` lines.
   */
  readonly validateConfig?: (config: ConfigFor<TEnv>) => readonly string[];
}

/** The declaration of a service: its dependencies, plus typed helpers to write its handlers in their own files. */
export interface ServiceDeclaration<
  TSchema extends DrizzleSchema,
  TCalls extends RpcContract,
  TEmits extends EventContract,
  TEnv extends EnvSchema,
  TDeps = undefined,
> {
  readonly name: string;
  readonly version: string;
  readonly description: string;
  readonly store: StoreDeclaration<TSchema> | undefined;
  readonly calls: readonly TCalls[];
  readonly emits: readonly TEmits[];
  readonly config: TEnv;
  /**
   * The same declaration whose handlers get `ctx.deps` of this type: what the service's `setup` makes
   * once per running instance (a saga engine, a client, a cache). `define` then requires that `setup`.
   */
  withDeps<T>(): ServiceDeclaration<TSchema, TCalls, TEmits, TEnv, T>;
  /** Types an RPC handler for this service (in its own file). */
  handle<C extends RpcContract>(
    contract: C,
    handler: RpcHandler<C, RpcContext<TSchema, TCalls, TEmits, ConfigFor<TEnv>, TDeps>>,
  ): ServedRpc;
  /**
   * Types an event handler for this service (one file per event). `options.from` says where its durable
   * starts when first created: `"start"` (default) or `"new"` for side effects (see `SubscriptionOptions`).
   */
  on<E extends EventContract>(
    event: E,
    handler: EventHandler<E, EventContext<TSchema, TEmits, ConfigFor<TEnv>, TDeps>>,
    options?: SubscriptionOptions,
  ): Subscription;
  /** Completes the service with what it serves and consumes, and how an instance sets up and stops. */
  define(
    parts: ServiceParts<ServiceRuntime<TSchema, TCalls, TEmits, ConfigFor<TEnv>>, TDeps>,
  ): ServiceDefinition;
}

/** The runtime a declaration's hooks receive: `setup(runtime: RuntimeOf<typeof myService>)` in its own file. */
export type RuntimeOf<D> =
  D extends ServiceDeclaration<infer TSchema, infer TCalls, infer TEmits, infer TEnv, infer _TDeps>
    ? ServiceRuntime<TSchema, TCalls, TEmits, ConfigFor<TEnv>>
    : never;

const NAME = /^[a-z][a-z0-9-]{0,30}$/;
const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/**
 * `declareService` is the single source of truth about a service's dependencies: what it stores, calls,
 * emits, serves and consumes. It drives runtime checks (undeclared calls and emits are refused), NATS
 * registration metadata, and the topology view.
 *
 * @example
 * export const greeter = declareService({ name: "greeter", version: "1.0.0", description: "Says hello",
 *   store: { schema, migrations: new URL("../drizzle", import.meta.url) }, emits: [greeted] });
 * export const hello = greeter.handle(helloContract, (input, ctx) => ({ text: `hello ${input.name}` }));
 * export const service = greeter.define({ serves: [hello] });
 */
export function declareService<
  TSchema extends DrizzleSchema = Record<string, never>,
  const TCalls extends readonly RpcContract[] = [],
  const TEmits extends readonly EventContract[] = [],
  TEnv extends EnvSchema = Record<string, never>,
>(
  options: DeclareServiceOptions<TSchema, TCalls, TEmits, TEnv>,
): ServiceDeclaration<TSchema, TCalls[number], TEmits[number], TEnv> {
  if (!NAME.test(options.name))
    throw new Error(`service name "${options.name}" must be lower-case letters, digits and dashes`);
  if (!SEMVER.test(options.version))
    throw new Error(`service version "${options.version}" must be semantic (1.2.3)`);
  const calls = Object.freeze([...(options.calls ?? [])]) as readonly TCalls[number][];
  const emits = Object.freeze([...(options.emits ?? [])]) as readonly TEmits[number][];
  for (const event of emits) {
    if (event.publisher !== options.name)
      throw new Error(`${options.name} cannot emit ${event.type}: its publisher is ${event.publisher}`);
  }
  const config = (options.config ?? {}) as TEnv;
  return declaration<TSchema, TCalls[number], TEmits[number], TEnv, undefined>(options, calls, emits, config);
}

function declaration<
  TSchema extends DrizzleSchema,
  TCalls extends RpcContract,
  TEmits extends EventContract,
  TEnv extends EnvSchema,
  TDeps,
>(
  options: DeclareServiceOptions<TSchema, readonly RpcContract[], readonly EventContract[], TEnv>,
  calls: readonly TCalls[],
  emits: readonly TEmits[],
  config: TEnv,
): ServiceDeclaration<TSchema, TCalls, TEmits, TEnv, TDeps> {
  return {
    name: options.name,
    version: options.version,
    description: options.description,
    store: options.store,
    calls,
    emits,
    config,
    withDeps: <T>() => declaration<TSchema, TCalls, TEmits, TEnv, T>(options, calls, emits, config),
    handle(contract, handler) {
      return { contract, handler: handler as ServedRpc["handler"] };
    },
    on(event, handler, subscription) {
      return {
        event,
        handler: handler as Subscription["handler"],
        ...(subscription?.from ? { from: subscription.from } : {}),
        ...(subscription?.everyPartition ? { everyPartition: true } : {}),
      };
    },
    define(parts) {
      const serves = parts.serves ?? [];
      const consumes = parts.consumes ?? [];
      for (const s of serves) {
        if (s.contract.service !== options.name)
          throw new Error(
            `${options.name} cannot serve ${s.contract.subject}: it belongs to ${s.contract.service}`,
          );
      }
      if (options.partitioned)
        assertPartitionable(options.name, options.store !== undefined, serves, consumes);
      const seen = new Set<string>();
      for (const c of consumes) {
        const key = `${c.event.type}.v${c.event.version}`;
        if (seen.has(key))
          throw new Error(`${options.name} has two handlers for ${key}: one handler per event`);
        seen.add(key);
      }
      const definition: ServiceDefinition = {
        name: options.name,
        version: options.version,
        description: options.description,
        store: options.store,
        calls,
        emits,
        config,
        serves,
        consumes,
        partitioned: options.partitioned ?? false,
        ...(options.validateConfig ? { validateConfig: options.validateConfig } : {}),
        ...(parts.setup ? { setup: parts.setup } : {}),
        ...(parts.routes ? { routes: parts.routes } : {}),
        ...(parts.checks ? { checks: parts.checks } : {}),
        ...(parts.onStop ? { onStop: parts.onStop } : {}),
      };
      return Object.freeze(definition);
    },
  };
}

/**
 * A partitioned service keeps its state in its partitions' files, and serves only calls that name their
 * partition, or that every partition answers (`gather`): a call without either could reach any owner and
 * see one partition's data as the whole. It consumes events that name their key, so that each partition
 * reads its own (`evt.<type>.v<n>.<partition>`) and no event is applied by two, unless it says that every
 * partition applies them (`everyPartition`).
 */
function assertPartitionable(
  name: string,
  hasStore: boolean,
  serves: readonly ServedRpc[],
  consumes: readonly Subscription[],
): void {
  if (!hasStore)
    throw new Error(`${name} is partitioned but declares no store: a partition is a SQLite file`);
  for (const s of serves) {
    if (!s.contract.partitionKey && !s.contract.gather)
      throw new Error(
        `${name} is partitioned, so ${s.contract.subject} must name its partitionKey (or how to gather every partition's answer)`,
      );
    if (s.contract.streaming)
      throw new Error(
        `${name} is partitioned: ${s.contract.subject} cannot stream (calls fan out to no partition)`,
      );
  }
  for (const c of consumes) {
    if (!c.event.partitionKey && !c.everyPartition)
      throw new Error(
        `${name} is partitioned, so ${c.event.type} v${c.event.version} must name its partitionKey (or be applied by every partition, everyPartition)`,
      );
  }
}

/** `describeTopology` is the machine-readable declaration of a service: who it calls, what it emits and consumes. */
export function describeTopology(def: ServiceDefinition): {
  service: string;
  serves: string[];
  calls: string[];
  emits: string[];
  consumes: string[];
} {
  return {
    service: def.name,
    serves: def.serves.map((s) => s.contract.subject),
    calls: def.calls.map((c) => c.subject),
    emits: def.emits.map((e) => e.subject),
    consumes: def.consumes.map((c) => c.event.subject),
  };
}
