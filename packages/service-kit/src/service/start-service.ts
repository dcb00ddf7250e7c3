import type { EventConsumer } from "../events/consumer.js";
import { OutboxRelay } from "../events/outbox-relay.js";
import { createMetrics } from "../metrics/metrics.js";
import { InFlight } from "../rpc/in-flight.js";
import { startRpcServer } from "../rpc/rpc-server.js";
import { startTelemetry } from "../tracing/telemetry.js";
import { startConsumers } from "./consumer-wiring.js";
import { describeTopology } from "./declare-service.js";
import { HealthMonitor, kitChecks } from "./health-wiring.js";
import { Lifecycle } from "./phases/lifecycle.js";
import { startMaintenance } from "./phases/maintenance.js";
import { ensureOwnedStreams } from "./phases/owned-streams.js";
import { connectServiceBroker, type ServiceBroker } from "./phases/service-broker.js";
import { loadServiceConfig, serviceLogger } from "./phases/service-config.js";
import { startServiceHttp } from "./phases/service-http.js";
import { createServiceRuntime } from "./phases/service-runtime.js";
import { openServiceStore } from "./phases/service-store.js";
import { makeRpcContext } from "./rpc-context.js";
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
  readonly runtime: ServiceRuntime;
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
  let ready: { runtime: ServiceRuntime; deps: unknown } | undefined;
  const consumers: EventConsumer[] = [];

  const store = openServiceStore(def, config);
  if (store) life.onStop("store", () => store.close());
  const monitor = new HealthMonitor({
    identity,
    checks: () => [
      ...kitChecks({
        store,
        connected: () => broker?.link.connected() ?? false,
        jsm: () => broker?.jsm,
        consumers: () => consumers,
        stopping: () => stopping,
      }),
      ...(ready && def.checks ? def.checks(ready.runtime, ready.deps) : []),
    ],
    consumers: () => consumers,
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

    const relay = store
      ? new OutboxRelay({
          sqlite: store.sqlite,
          js: connected.js,
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
      broker: connected,
      relay,
      telemetry,
      health: () => monitor.report(),
    });
    const { runtime } = core;
    const deps = await def.setup?.(runtime);
    ready = { runtime, deps };
    life.onStop("service", () => def.onStop?.(runtime, deps));
    life.onStop("in-flight work", async () => {
      if (!(await inFlight.idle(deadline)))
        log.warn({ inFlight: inFlight.count }, "shutdown timeout: abandoning in-flight work");
    });

    const rpcServer = await startRpcServer({
      nc: connected.nc,
      name: def.name,
      version: def.version,
      description: def.description,
      metadata: { topology: JSON.stringify(describeTopology(def)), instance: config.INSTANCE_ID, http: url },
      endpoints: def.serves,
      log,
      metrics,
      validateResponses:
        config.VALIDATE_RESPONSES === "true" ||
        (config.VALIDATE_RESPONSES === "auto" && config.NODE_ENV !== "production"),
      inFlight,
      telemetry,
      ...(config.RPC_LOCAL_DISPATCH
        ? { local: { instance: config.INSTANCE_ID, connected: connected.link.connected } }
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
          js: connected.js,
          jsm: connected.jsm,
          log,
          metrics,
          serverVersion: connected.nc.info?.version,
          inbox: core.inbox,
          transaction: core.transaction,
          deps,
          telemetry,
        }),
      );
    }
    life.onStop("consumers", () => Promise.all(consumers.map((c) => c.stop())));
    life.onStop("maintenance", startMaintenance({ inbox: core.inbox, idempotency: core.idempotency, log }));

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
    return { name: def.name, instance: config.INSTANCE_ID, url, port, runtime, stop };
  } catch (err) {
    // Stop whatever started, so a failed start leaks no server, connection or file handle.
    log.error({ err }, "start-up failed");
    stopping = true;
    await life.stop();
    throw err;
  }
}
