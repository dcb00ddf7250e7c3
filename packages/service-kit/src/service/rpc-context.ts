import type { RpcContract } from "@bazaar/contracts";
import type { Logger } from "pino";
import type { Emitter } from "../events/outbox.js";
import type { IdempotencyStore } from "../store/idempotency.js";
import type { DrizzleSchema } from "../store/open-store.js";
import type { Scope } from "../tracing/trace-context.js";
import type { ServiceRuntime, Tx } from "./types.js";

type Transaction = <T>(fn: (tx: Tx<DrizzleSchema>, outbox: Emitter) => T) => T;

/** `makeRpcContext` is what one RPC handler receives: the request's scope plus the service's capabilities. */
export function makeRpcContext(
  runtime: ServiceRuntime,
  transaction: Transaction,
  idempotency: IdempotencyStore | undefined,
  request: { scope: Scope; log: Logger; contract: RpcContract; input: unknown },
) {
  const { scope, contract, input } = request;
  return {
    service: runtime.name,
    instance: runtime.instance,
    config: runtime.config,
    log: request.log,
    trace: scope.trace,
    requestId: scope.requestId,
    idempotencyKey: scope.idempotencyKey,
    get db() {
      return runtime.db;
    },
    call: runtime.call,
    stream: runtime.stream,
    transaction: runtime.transaction,
    // With an idempotency key, the first response is stored with the state change; a repeat returns it.
    idempotent: <T>(fn: (tx: Tx<DrizzleSchema>, outbox: Emitter) => T): T => {
      const key = scope.idempotencyKey;
      if (!key || !idempotency) return transaction(fn);
      const hash = idempotency.hash(input);
      return transaction((tx, outbox) => {
        const prior = idempotency.lookup(contract.subject, key, hash);
        if (prior) return prior.response as T;
        const result = fn(tx, outbox);
        idempotency.record(contract.subject, key, hash, result);
        return result;
      });
    },
  };
}
