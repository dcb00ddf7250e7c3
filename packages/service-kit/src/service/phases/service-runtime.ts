import type { EventContract } from "@bazaar/contracts";
import { createDeadLetters } from "../../events/dead-letters.js";
import { createInbox, type Inbox } from "../../events/inbox.js";
import { createOutboxWriter } from "../../events/outbox.js";
import type { OutboxRelay } from "../../events/outbox-relay.js";
import type { HealthReport } from "../../health/readiness.js";
import type { Logger } from "../../logging/logger.js";
import type { ServiceMetrics } from "../../metrics/metrics.js";
import { localRpcRegistry } from "../../rpc/local-registry.js";
import { createRpcClient } from "../../rpc/rpc-client.js";
import { createIdempotencyStore, type IdempotencyStore } from "../../store/idempotency.js";
import type { DrizzleSchema, Store } from "../../store/open-store.js";
import type { Telemetry } from "../../tracing/telemetry.js";
import { callGuard, emitGuard } from "../guards.js";
import type { ServiceDefinition, ServiceRuntime, TransactionFn } from "../types.js";
import type { ServiceBroker } from "./service-broker.js";
import type { ServiceConfig } from "./service-config.js";

export interface ServiceCore {
  readonly runtime: ServiceRuntime;
  readonly transaction: TransactionFn<DrizzleSchema, EventContract>;
  readonly inbox: Inbox | undefined;
  readonly idempotency: IdempotencyStore | undefined;
}

/**
 * `createServiceRuntime` is the live service as hooks, routes and tests see it: its store and one
 * transaction function (state and outgoing events in one commit, the relay woken after it), calls
 * limited to what it declared, and its broker handles.
 */
export function createServiceRuntime(o: {
  readonly def: ServiceDefinition;
  readonly config: ServiceConfig;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly store: Store<DrizzleSchema> | undefined;
  readonly broker: ServiceBroker;
  readonly relay: OutboxRelay | undefined;
  readonly telemetry: Telemetry;
  readonly health: () => Promise<HealthReport>;
  /** The partition this runtime is (undefined: the service is not partitioned). */
  readonly partition?: number;
  /**
   * Throws unless this instance still owns the partition (its lease's `assertHeld`): run inside every
   * transaction, just before it commits, so a stale owner's write rolls back instead of committing.
   */
  readonly fence?: () => void;
}): ServiceCore {
  const { def, store, broker, relay } = o;
  const rpc = createRpcClient({
    nc: broker.nc,
    caller: def.name,
    connected: broker.link.connected,
    metrics: o.metrics,
    guard: callGuard(def),
    telemetry: o.telemetry,
    partitions: o.config.PARTITIONS,
    ...(o.config.RPC_LOCAL_DISPATCH ? { local: localRpcRegistry() } : {}),
  });
  const outbox = store
    ? createOutboxWriter({
        sqlite: store.sqlite,
        source: def.name,
        guard: emitGuard(def),
        telemetry: o.telemetry,
        partitions: o.config.PARTITIONS,
      })
    : undefined;
  const transaction: TransactionFn<DrizzleSchema, EventContract> = (fn) => {
    if (!store || !outbox) throw new Error(`${def.name} declares no store: it has no transactions`);
    const { fence } = o;
    const result = store.db.transaction(
      fence
        ? (tx) => {
            const value = fn(tx, outbox);
            fence();
            return value;
          }
        : (tx) => fn(tx, outbox),
      { behavior: "immediate" },
    );
    relay?.notify();
    return result;
  };
  const runtime: ServiceRuntime = {
    name: def.name,
    version: def.version,
    instance: o.config.INSTANCE_ID,
    partition: o.partition,
    config: o.config,
    log: o.log,
    store,
    get db() {
      if (!store) throw new Error(`${def.name} declares no store`);
      return store.db;
    },
    call: (contract, input, opts) => rpc.call(contract, input, opts),
    stream: (contract, input, opts) => rpc.stream(contract, input, opts),
    transaction,
    nats: { nc: broker.nc, js: broker.js, jsm: broker.jsm },
    metrics: o.metrics,
    telemetry: o.telemetry,
    deadLetters: createDeadLetters({ js: broker.js, jsm: broker.jsm }),
    outboxStats: () => relay?.stats(),
    health: o.health,
  };
  return {
    runtime,
    transaction,
    inbox: store ? createInbox(store.sqlite) : undefined,
    idempotency: store ? createIdempotencyStore(store.sqlite) : undefined,
  };
}
