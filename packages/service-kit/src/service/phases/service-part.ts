import { partitionSubject } from "@bazaar/contracts";
import type { EventConsumer } from "../../events/consumer.js";
import { OutboxRelay } from "../../events/outbox-relay.js";
import type { HealthReport } from "../../health/readiness.js";
import type { Logger } from "../../logging/logger.js";
import type { ServiceMetrics } from "../../metrics/metrics.js";
import type { InFlight } from "../../rpc/in-flight.js";
import { startRpcServer } from "../../rpc/rpc-server.js";
import type { DrizzleSchema, Store } from "../../store/open-store.js";
import type { Telemetry } from "../../tracing/telemetry.js";
import { startConsumers } from "../consumer-wiring.js";
import { describeTopology } from "../declare-service.js";
import { makeRpcContext } from "../rpc-context.js";
import type { ServiceDefinition, ServiceRuntime } from "../types.js";
import type { Lifecycle } from "./lifecycle.js";
import { startMaintenance } from "./maintenance.js";
import type { ServiceBroker } from "./service-broker.js";
import type { ServiceConfig } from "./service-config.js";
import { createServiceRuntime } from "./service-runtime.js";

export interface ServicePartOptions {
  readonly def: ServiceDefinition;
  readonly config: ServiceConfig;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly telemetry: Telemetry;
  readonly broker: ServiceBroker;
  readonly store: Store<DrizzleSchema> | undefined;
  readonly life: Lifecycle;
  readonly health: () => Promise<HealthReport>;
  /** The partition, for one partition of a partitioned service. */
  readonly partition?: number;
  /** Throws unless the partition's lease is still held (see `createServiceRuntime`). */
  readonly fence?: () => void;
}

/** A part set up (its relay, runtime and `setup`), not serving yet. */
export interface ServicePart {
  readonly runtime: ServiceRuntime;
  readonly deps: unknown;
  readonly consumers: EventConsumer[];
  /** Serves its endpoints and starts its consumers and maintenance. */
  serve(serving: { readonly url: string; readonly inFlight: InFlight }): Promise<void>;
}

/**
 * `setUpServicePart` is one store's worth of a service: its outbox relay, its runtime and `setup`, and
 * (by `serve`) its RPC endpoints, consumers and maintenance. An unpartitioned service is one part; a
 * partitioned one is one part per partition it owns, each on its own file and its own subjects
 * (`rpc.<service>.<partition>.<name>`). Each stop is registered on `life` as it starts.
 */
export async function setUpServicePart(o: ServicePartOptions): Promise<ServicePart> {
  const { def, config, log, metrics, telemetry, broker, store, life, partition } = o;
  const deadline = config.SHUTDOWN_TIMEOUT_MS;
  const relay = store
    ? new OutboxRelay({
        sqlite: store.sqlite,
        js: broker.js,
        log,
        registry: metrics.registry,
        batch: config.OUTBOX_BATCH,
        sweepMs: config.OUTBOX_SWEEP_MS,
        retentionMs: config.OUTBOX_RETENTION_MS,
        telemetry,
      })
    : undefined;
  relay?.start();
  life.onStop("outbox relay", () => relay?.stop(Math.min(2000, deadline)));

  const core = createServiceRuntime({
    def,
    config,
    log,
    metrics,
    store,
    broker,
    relay,
    telemetry,
    health: o.health,
    ...(partition === undefined ? {} : { partition }),
    ...(o.fence ? { fence: o.fence } : {}),
  });
  const { runtime } = core;
  const deps = await def.setup?.(runtime);
  life.onStop("service", () => def.onStop?.(runtime, deps));
  const consumers: EventConsumer[] = [];

  const serve = async ({ url, inFlight }: { url: string; inFlight: InFlight }): Promise<void> => {
    const rpcServer = await startRpcServer({
      nc: broker.nc,
      name: def.name,
      version: def.version,
      description: def.description,
      metadata: {
        topology: JSON.stringify(describeTopology(def)),
        instance: config.INSTANCE_ID,
        http: url,
        ...(partition === undefined ? {} : { partition: String(partition) }),
      },
      endpoints: def.serves,
      log,
      metrics,
      validateResponses:
        config.VALIDATE_RESPONSES === "true" ||
        (config.VALIDATE_RESPONSES === "auto" && config.NODE_ENV !== "production"),
      inFlight,
      telemetry,
      ...(partition === undefined ? {} : { subjectOf: (c) => partitionSubject(c, partition) }),
      ...(config.RPC_LOCAL_DISPATCH
        ? { local: { instance: config.INSTANCE_ID, connected: broker.link.connected } }
        : {}),
      makeContext: (request) => makeRpcContext({ runtime, deps, idempotency: core.idempotency, request }),
    });
    life.onStop("rpc", () => rpcServer.stop());

    if (def.consumes.length > 0) {
      if (!core.inbox)
        throw new Error(`${def.name} consumes events but declares no store (the inbox lives there)`);
      consumers.push(
        ...startConsumers({
          def,
          config,
          js: broker.js,
          jsm: broker.jsm,
          log,
          metrics,
          serverVersion: broker.nc.info?.version,
          inbox: core.inbox,
          transaction: core.transaction,
          deps,
          telemetry,
          ...(partition === undefined ? {} : { partition }),
        }),
      );
    }
    life.onStop("consumers", () => Promise.all(consumers.map((c) => c.stop())));
    life.onStop("maintenance", startMaintenance({ inbox: core.inbox, idempotency: core.idempotency, log }));
  };
  return { runtime, deps, consumers, serve };
}
