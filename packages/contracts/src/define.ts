import type * as v from "valibot";
import type { ErrorCode } from "./error-codes.js";

/** Any valibot schema; contracts keep the concrete type so inputs and outputs are inferred. */
export type AnySchema = v.GenericSchema;

/** A synchronous call: one subject, its request and response schemas, the errors it may return. */
export interface RpcContract<
  TRequest extends AnySchema = AnySchema,
  TResponse extends AnySchema = AnySchema,
  TStreaming extends boolean = boolean,
> {
  readonly kind: "rpc";
  /** The service that serves it. */
  readonly service: string;
  /** The endpoint name within the service (shown by `nats micro info`). */
  readonly name: string;
  readonly subject: string;
  readonly description: string;
  readonly request: TRequest;
  /** For a streaming call, the schema of one item. */
  readonly response: TResponse;
  readonly errors: readonly ErrorCode[];
  /** A command changes state: callers send an idempotency key. */
  readonly command: boolean;
  /** The response is a stream of item chunks (see the kit's streaming calls). */
  readonly streaming: TStreaming;
  readonly timeoutMs: number;
  /**
   * The key that picks the partition of a partitioned service (the order id, the SKU): a call for a key
   * always reaches the one owner of its partition. Undefined for a service that is not partitioned.
   */
  // Method syntax on purpose: a contract with its own request type stays assignable to `RpcContract`.
  partitionKey?(request: v.InferOutput<TRequest>): string;
  /**
   * For a partitioned service's call that is about no one key (a user's orders, when orders are keyed by
   * order id): every partition answers, and the caller's kit combines the answers (see `RpcGather`).
   */
  readonly gather?: RpcGather;
}

/**
 * How a caller combines the answers of every partition to one call:
 * - `pageKey`: each answer is a keyset page (`{ items, nextCursor }`) sorted by this key, descending
 *   (`order: "desc"`, the default) or ascending; the pages are merged and cut to the request's `limit`;
 * - `merge`: any other response, combined by the function.
 */
export type RpcGather =
  | {
      // Method syntax: a contract with its own item type stays assignable.
      pageKey(item: never): readonly (string | number)[];
      readonly order?: "asc" | "desc";
    }
  | { merge(responses: readonly never[], request: never): unknown };

/** A fact that happened, published by one service. */
export interface EventContract<TType extends string = string, TData extends AnySchema = AnySchema> {
  readonly kind: "event";
  /** Past tense, `<entity>.<fact>`: `order.placed`. */
  readonly type: TType;
  readonly version: number;
  /** `evt.<type>.v<version>`. */
  readonly subject: string;
  readonly publisher: string;
  /** The stream that stores it. */
  readonly stream: StreamContract;
  readonly description: string;
  readonly data: TData;
  /**
   * The key that picks the event's partition (the order id). With `PARTITIONS` above 1, it is published
   * on `evt.<type>.v<version>.<partition>`, so each partition of a partitioned consumer reads its own.
   */
  partitionKey?(data: v.InferOutput<TData>): string;
}

/** A JetStream stream: its subjects, owner and limits. */
export interface StreamContract {
  readonly name: string;
  /** The service that creates and updates it. */
  readonly owner: string;
  readonly subjects: readonly string[];
  readonly description: string;
  readonly maxAgeMs: number;
  readonly duplicateWindowMs: number;
  readonly maxBytes: number;
}

export type RpcRequest<C extends RpcContract> = v.InferOutput<C["request"]>;
export type RpcRequestInput<C extends RpcContract> = v.InferInput<C["request"]>;
export type RpcResponse<C extends RpcContract> = v.InferOutput<C["response"]>;
export type EventData<E extends EventContract> = v.InferOutput<E["data"]>;

/** RPC subjects: `rpc.<service>.<name>`. Event subjects start with `evt.`: the two never overlap. */
export const RPC_PREFIX = "rpc";
export const EVENT_PREFIX = "evt";

const NAME = /^[a-z][a-zA-Z0-9]*$/;
const SERVICE = /^[a-z][a-z0-9-]*$/;
const EVENT_TYPE = /^[a-z][a-z_]*(\.[a-z][a-z_]*)+$/;

export interface DefineRpcOptions<
  TRequest extends AnySchema,
  TResponse extends AnySchema,
  TStreaming extends boolean,
> {
  readonly service: string;
  readonly name: string;
  readonly description: string;
  readonly request: TRequest;
  readonly response: TResponse;
  readonly errors?: readonly ErrorCode[];
  readonly command?: boolean;
  readonly streaming?: TStreaming;
  readonly timeoutMs?: number;
  readonly partitionKey?: (request: v.InferOutput<TRequest>) => string;
  readonly gather?: RpcGatherOf<TRequest, TResponse>;
}

type ItemOf<T> = T extends { readonly items: readonly (infer I)[] } ? I : never;

/** `RpcGather`, typed by the contract's own request and response. */
export type RpcGatherOf<TRequest extends AnySchema, TResponse extends AnySchema> =
  | {
      readonly pageKey: (item: ItemOf<v.InferOutput<TResponse>>) => readonly (string | number)[];
      readonly order?: "asc" | "desc";
    }
  | {
      readonly merge: (
        responses: readonly v.InferOutput<TResponse>[],
        request: v.InferOutput<TRequest>,
      ) => v.InferOutput<TResponse>;
    };

/**
 * `defineRpc` declares a call once; both the server and the client validate against it.
 *
 * @example
 * export const getUser = defineRpc({
 *   service: "users", name: "get", description: "One user by id",
 *   request: v.object({ userId: Id }), response: User, errors: ["NOT_FOUND"],
 * });
 */
export function defineRpc<
  TRequest extends AnySchema,
  TResponse extends AnySchema,
  const TStreaming extends boolean = false,
>(options: DefineRpcOptions<TRequest, TResponse, TStreaming>): RpcContract<TRequest, TResponse, TStreaming> {
  if (!SERVICE.test(options.service)) throw new Error(`invalid service name "${options.service}"`);
  if (!NAME.test(options.name)) throw new Error(`invalid rpc name "${options.name}"`);
  return Object.freeze({
    kind: "rpc",
    service: options.service,
    name: options.name,
    subject: `${RPC_PREFIX}.${options.service}.${options.name}`,
    description: options.description,
    request: options.request,
    response: options.response,
    errors: Object.freeze([...(options.errors ?? [])]),
    command: options.command ?? false,
    streaming: (options.streaming ?? false) as TStreaming,
    timeoutMs: options.timeoutMs ?? 5_000,
    ...(options.partitionKey ? { partitionKey: options.partitionKey } : {}),
    ...(options.gather ? { gather: options.gather as RpcGather } : {}),
  });
}

/**
 * `partitionSubject` is the subject one partition of a partitioned service answers a call on:
 * `rpc.<service>.<partition>.<name>` (`"*"` for every partition's, in a permission). The partition is a
 * number and a name never is, so the two forms never overlap.
 */
export function partitionSubject(contract: RpcContract, partition: number | "*"): string {
  return `${RPC_PREFIX}.${contract.service}.${partition}.${contract.name}`;
}

export interface DefineEventOptions<TType extends string, TData extends AnySchema> {
  readonly type: TType;
  readonly version: number;
  readonly publisher: string;
  readonly stream: StreamContract;
  readonly description: string;
  readonly data: TData;
  readonly partitionKey?: (data: v.InferOutput<TData>) => string;
}

/** `eventSubject` is the subject an event type and version are published on. */
export function eventSubject(type: string, version: number): string {
  return `${EVENT_PREFIX}.${type}.v${version}`;
}

/**
 * `eventPartitionSubject` is the subject one partition's events of a type are published on:
 * `evt.<type>.v<version>.<partition>` (`"*"` for every partition's, in a filter or a permission).
 */
export function eventPartitionSubject(event: EventContract, partition: number | "*"): string {
  return `${event.subject}.${partition}`;
}

/**
 * `eventSubjectOf` is an event's contract subject, from the subject it was published on: without the
 * partition token, when it has one (a version is `v<n>`, a partition a bare number, so they never mix).
 */
export function eventSubjectOf(published: string): string {
  const dot = published.lastIndexOf(".");
  return dot > 0 && /^\d+$/.test(published.slice(dot + 1)) ? published.slice(0, dot) : published;
}

/**
 * `defineEvent` declares a fact, the service that publishes it and the stream that keeps it.
 * A breaking change is a new version (a new subject); both live side by side until consumers move.
 */
export function defineEvent<const TType extends string, TData extends AnySchema>(
  options: DefineEventOptions<TType, TData>,
): EventContract<TType, TData> {
  if (!EVENT_TYPE.test(options.type))
    throw new Error(`invalid event type "${options.type}": use <entity>.<past_tense_fact>`);
  if (options.stream.owner !== options.publisher) {
    throw new Error(
      `event ${options.type} is published by ${options.publisher} but stream ${options.stream.name} is owned by ${options.stream.owner}`,
    );
  }
  return Object.freeze({
    kind: "event",
    type: options.type,
    version: options.version,
    subject: eventSubject(options.type, options.version),
    publisher: options.publisher,
    stream: options.stream,
    description: options.description,
    data: options.data,
    ...(options.partitionKey ? { partitionKey: options.partitionKey } : {}),
  });
}

const DAY = 24 * 60 * 60 * 1000;

export interface DefineStreamOptions {
  readonly name: string;
  readonly owner: string;
  readonly subjects: readonly string[];
  readonly description: string;
  readonly maxAgeMs?: number;
  readonly duplicateWindowMs?: number;
  readonly maxBytes?: number;
}

/** `defineStream` declares a stream. Defaults: 30 days, 10-minute duplicate window, 1 GiB. */
export function defineStream(options: DefineStreamOptions): StreamContract {
  return Object.freeze({
    name: options.name,
    owner: options.owner,
    subjects: Object.freeze([...options.subjects]),
    description: options.description,
    maxAgeMs: options.maxAgeMs ?? 30 * DAY,
    duplicateWindowMs: options.duplicateWindowMs ?? 10 * 60 * 1000,
    maxBytes: options.maxBytes ?? 1024 * 1024 * 1024,
  });
}

/** `subjectMatches` applies NATS wildcard rules (`*` one token, `>` the rest) to a concrete subject. */
export function subjectMatches(filter: string, subject: string): boolean {
  const f = filter.split(".");
  const s = subject.split(".");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === ">") return s.length > i;
    if (i >= s.length) return false;
    if (f[i] !== "*" && f[i] !== s[i]) return false;
  }
  return f.length === s.length;
}
