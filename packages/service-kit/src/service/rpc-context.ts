import type { EventContract, RpcContract } from "@bazaar/contracts";
import type { Logger } from "pino";
import type { Emitter } from "../events/outbox.js";
import type { IdempotencyStore } from "../store/idempotency.js";
import type { DrizzleSchema } from "../store/open-store.js";
import type { Scope } from "../tracing/trace-context.js";
import type { ServiceRuntime, TransactionFn, Tx } from "./types.js";

type Transaction = TransactionFn<DrizzleSchema, EventContract>;

/** `makeRpcContext` is what one RPC handler receives: the request's scope plus the service's capabilities. */
export function makeRpcContext(o: {
  readonly runtime: ServiceRuntime;
  readonly deps: unknown;
  readonly idempotency: IdempotencyStore | undefined;
  readonly request: { scope: Scope; log: Logger; contract: RpcContract; input: unknown };
}) {
  const { runtime, idempotency } = o;
  const { scope, contract, input } = o.request;
  const transaction: Transaction = runtime.transaction;

  // The first response is stored with the state change; a repeat gets it, a different request with the
  // same key is UNPROCESSABLE, and a repeat while the first still runs is CONFLICT.
  const idempotently = async <T>(
    work: (commit: Transaction) => T | Promise<T>,
    options: { readonly key?: string } = {},
  ): Promise<T> => {
    const key = options.key ?? scope.idempotencyKey;
    if (!key || !idempotency) return work(transaction);
    const begun = await idempotency.begin(contract.subject, key, input);
    if (begun.replay) return begun.response as T;
    const { claim } = begun;
    try {
      return await work((fn) =>
        transaction((tx, outbox) => {
          const result = fn(tx, outbox);
          claim.record(result);
          return result;
        }),
      );
    } finally {
      claim.release();
    }
  };

  return {
    service: runtime.name,
    instance: runtime.instance,
    partition: runtime.partition,
    config: runtime.config,
    log: o.request.log,
    trace: scope.trace,
    deps: o.deps,
    requestId: scope.requestId,
    idempotencyKey: scope.idempotencyKey,
    get db() {
      return runtime.db;
    },
    call: runtime.call,
    stream: runtime.stream,
    transaction: runtime.transaction,
    idempotently,
    idempotent: <T>(fn: (tx: Tx<DrizzleSchema>, outbox: Emitter) => T): Promise<T> =>
      idempotently((commit) => commit(fn)),
  };
}
