import type { EventConsumer } from "../events/consumer.js";
import { createMetrics } from "../metrics/metrics.js";
import { InFlight } from "../rpc/in-flight.js";
import type { DrizzleSchema, Store } from "../store/open-store.js";
import { startTelemetry } from "../tracing/telemetry.js";
import { HealthMonitor, kitChecks } from "./health-wiring.js";
import { Lifecycle } from "./phases/lifecycle.js";
import { ensureOwnedStreams } from "./phases/owned-streams.js";
import { servePartitionControl } from "./phases/partition-control.js";
import { startPartitionHost } from "./phases/partition-host.js";
import { connectServiceBroker, type ServiceBroker } from "./phases/service-broker.js";
import { loadServiceConfig, serviceLogger } from "./phases/service-config.js";
import { startServiceHttp } from "./phases/service-http.js";
import { type ServicePart, setUpServicePart } from "./phases/service-part.js";
import { openServiceStore } from "./phases/service-store.js";
import type { ServiceDefinition, ServiceRuntime } from "./types.js";

export interface StartServiceOptions {
  /** Environment to read config from (default `process.env`); the monolith runner passes one per service. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Where log lines go (tests capture them). */
  readonly logDestination?: NodeJS.WritableStream;
  /** Called if the NATS connection closes for good while running: the process should exit. */
  readonly onFatal?: (err: Error) => void;
}

/** A started service. */
export interface RunningService {
  readonly name: string;
  readonly instance: string;
  /** The HTTP base URL (health, metrics, extra routes). */
  readonly url: string;
  readonly port: number;
  /** The service's runtime; for a partitioned service, that of its lowest partition. */
  readonly runtime: ServiceRuntime;
  /** Each owned partition's runtime, by partition (empty when the service is not partitioned). */
  readonly partitions: ReadonlyMap<number, ServiceRuntime>;
  /** Graceful stop: no new work, in-flight work finishes (bounded), NATS drains, SQLite closes. */
  stop(): Promise<void>;
}

/**
 * `startService` runs a service definition, one phase after the other: config and logs, its SQLite file,
 * HTTP (liveness answers from here on), the broker, its streams, the outbox relay, its `setup`, its RPC
 * endpoints, its consumers, maintenance and readiness, then its routes. Each phase registers its stop as
 * it starts, so `stop()` (or a start that fails halfway) undoes them in reverse.
 */
export async function startService(
  def: ServiceDefinition,
  options: StartServiceOptions = {},
): Promise<RunningService> {
  const config = loadServiceConfig(def, options.env ?? process.env);
  const log = serviceLogger(def, config, options.logDestination);
  const identity = { service: def.name, version: def.version, instance: config.INSTANCE_ID };
  const metrics = createMetrics({ service: def.name, instance: config.INSTANCE_ID });
  const inFlight = new InFlight();
  const life = new Lifecycle(log);
  const deadline = config.SHUTDOWN_TIMEOUT_MS;
  // Off (and free) unless OTEL_EXPORTER_OTLP_ENDPOINT is set; flushed last, after everything stopped.
  const telemetry = await startTelemetry({ ...identity, env: options.env ?? process.env });
  life.onStop("telemetry", () => telemetry.shutdown());
  let stopping = false;
  let broker: ServiceBroker | undefined;
  let ready: { runtime: ServiceRuntime; deps: unknown; parts: () => readonly ServicePart[] } | undefined;
  const consumers: EventConsumer[] = [];
  // A partitioned service's files and consumers change as partitions are taken and released.
  let hostedStores: () => ReadonlyArray<{ store: Store<DrizzleSchema>; partition?: number }> = () => [];
  let hostedConsumers: () => readonly EventConsumer[] = () => [];

  // A partitioned service opens each partition's file once it holds the partition's lease.
  const partitioned = def.partitioned && config.PARTITIONS > 1;
  const stores: Array<{ store: Store<DrizzleSchema>; partition?: number }> = [];
  const unpartitionedStore = partitioned ? undefined : openServiceStore(def, config);
  if (unpartitionedStore) {
    life.onStop("store", () => unpartitionedStore.close());
    stores.push({ store: unpartitionedStore });
  }
  const monitor = new HealthMonitor({
    identity,
    checks: () => [
      ...kitChecks({
        stores: [...stores, ...hostedStores()],
        connected: () => broker?.link.connected() ?? false,
        jsm: () => broker?.jsm,
        consumers: () => [...consumers, ...hostedConsumers()],
        stopping: () => stopping,
      }),
      ...(ready && def.checks ? ready.parts().flatMap((p) => def.checks?.(p.runtime, p.deps) ?? []) : []),
    ],
    consumers: () => [...consumers, ...hostedConsumers()],
    intervalMs: config.READINESS_INTERVAL_MS,
    log,
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      log.info("shutting down");
      await life.stop();
      log.info("stopped");
    })();
    return stopped;
  };

  let url = "";
  let port = 0;
  try {
    const http = await startServiceHttp({
      identity,
      config,
      log,
      metrics,
      inFlight,
      telemetry,
      ready: () => monitor.report(),
    });
    ({ url, port } = http);
    life.onStop("http connections", () => http.closeAllConnections());

    const connected = await connectServiceBroker(def, config, log);
    broker = connected;
    life.onStop("broker", () => connected.close(deadline));
    await ensureOwnedStreams({ def, jsm: connected.jsm, replicas: config.JS_REPLICAS, log });

    let parts: () => readonly ServicePart[];
    if (partitioned) {
      const host = await startPartitionHost({
        def,
        config,
        log,
        metrics,
        telemetry,
        broker: connected,
        health: () => monitor.report(),
        url,
      });
      life.onStop("partitions", () => host.stop());
      life.onStop("in-flight work", async () => {
        if (!(await inFlight.idle(deadline)))
          log.warn({ inFlight: inFlight.count }, "shutdown timeout: abandoning in-flight work");
      });
      parts = () => host.hosted().map((h) => h.part);
      hostedStores = () =>
        host.hosted().flatMap((h) => (h.store ? [{ store: h.store, partition: h.partition }] : []));
      hostedConsumers = () => host.consumers();
      const stopControl = servePartitionControl({
        nc: connected.nc,
        service: def.name,
        instance: config.INSTANCE_ID,
        ordinal: config.ORDINAL,
        host,
        log,
      });
      life.onStop("partition control", stopControl);
    } else {
      const only = await setUpServicePart({
        def,
        config,
        telemetry,
        broker: connected,
        life,
        health: () => monitor.report(),
        log,
        metrics,
        store: unpartitionedStore,
      });
      life.onStop("in-flight work", async () => {
        if (!(await inFlight.idle(deadline)))
          log.warn({ inFlight: inFlight.count }, "shutdown timeout: abandoning in-flight work");
      });
      await only.serve({ url, inFlight });
      consumers.push(...only.consumers);
      parts = () => [only];
    }
    const first = parts()[0];
    if (!first) throw new Error(`${def.name} serves no partition`);
    ready = { runtime: first.runtime, deps: first.deps, parts };
    const { runtime, deps } = first;

    monitor.start(connected.nc);
    life.onStop("readiness", () => monitor.stop());
    def.routes?.(http.app, runtime, deps);
    http.open();
    // Registered last, so it runs first: no new connections while the rest stops.
    life.onStop("http", () => http.close());

    void connected.nc.closed().then((err) => {
      if (stopping) return;
      const fatal = err ?? new Error("NATS connection closed");
      log.fatal({ err: fatal }, "NATS connection closed for good");
      options.onFatal?.(fatal);
    });
    log.info(
      { url, nats: config.NATS_URL, endpoints: def.serves.length, consumers: consumers.length },
      `${def.name} ${def.version} started`,
    );
    return {
      name: def.name,
      instance: config.INSTANCE_ID,
      url,
      port,
      runtime,
      get partitions() {
        return new Map(
          parts().flatMap((p) =>
            p.runtime.partition === undefined ? [] : [[p.runtime.partition, p.runtime]],
          ),
        );
      },
      stop,
    };
  } catch (err) {
    // Stop whatever started, so a failed start leaks no server, connection or file handle.
    log.error({ err }, "start-up failed");
    stopping = true;
    await life.stop();
    throw err;
  }
}
