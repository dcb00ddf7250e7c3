import type { Server } from "node:http";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DEAD_LETTER_STREAM } from "@bazaar/contracts";
import { serve } from "@hono/node-server";
import { type JetStreamClient, type JetStreamManager, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { type KitConfig, kitEnv } from "../config/kit-config.js";
import { ConfigError, loadConfig } from "../config/load-config.js";
import { sleep } from "../events/backoff.js";
import type { EventConsumer } from "../events/consumer.js";
import { createDeadLetters } from "../events/dead-letters.js";
import { createInbox } from "../events/inbox.js";
import { createOutboxWriter } from "../events/outbox.js";
import { OutboxRelay } from "../events/outbox-relay.js";
import { ensureStream } from "../events/streams.js";
import { answerClientError } from "../http/client-error.js";
import { createServiceApp } from "../http/create-service-app.js";
import { createStartingApp } from "../http/starting-app.js";
import { createLogger } from "../logging/logger.js";
import { createMetrics } from "../metrics/metrics.js";
import { connectNats, type NatsLink } from "../nats/connect.js";
import { inboxPrefix } from "../permissions/inbox-prefix.js";
import { InFlight } from "../rpc/in-flight.js";
import { createRpcClient } from "../rpc/rpc-client.js";
import { type RpcServer, startRpcServer } from "../rpc/rpc-server.js";
import { createIdempotencyStore } from "../store/idempotency.js";
import { type DrizzleSchema, openStore, type Store } from "../store/open-store.js";
import { startConsumers } from "./consumer-wiring.js";
import { describeTopology } from "./declare-service.js";
import { callGuard, emitGuard } from "./guards.js";
import { HealthMonitor, kitChecks } from "./health-wiring.js";
import { makeRpcContext } from "./rpc-context.js";
import type { ServiceDefinition, ServiceRuntime, Tx } from "./types.js";

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

function migrationsPath(migrations: URL | string | undefined): string | undefined {
  if (!migrations) return undefined;
  return migrations instanceof URL ? fileURLToPath(migrations) : resolve(migrations);
}

/**
 * `startService` runs a service definition: config, logs, SQLite (migrated), HTTP (liveness first), NATS,
 * its streams, the outbox relay, its start hook, its RPC endpoints, its consumers and the readiness
 * monitor, in that order. Everything it starts, `stop()` stops in reverse.
 */
export async function startService(
  def: ServiceDefinition,
  options: StartServiceOptions = {},
): Promise<RunningService> {
  const config = loadConfig({ ...kitEnv, ...def.config }, options.env ?? process.env) as KitConfig &
    Record<string, unknown>;
  const problems = def.validateConfig?.(config as never) ?? [];
  if (problems.length > 0) {
    throw new ConfigError(
      `invalid configuration:\n${problems.map((p) => `  ${p}`).join("\n")}`,
      problems.map((p) => p.split(":")[0] ?? p),
    );
  }
  const log = createLogger({
    service: def.name,
    instance: config.INSTANCE_ID,
    level: config.LOG_LEVEL,
    pretty:
      config.LOG_FORMAT === "pretty" || (config.LOG_FORMAT === "auto" && config.NODE_ENV === "development"),
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const metrics = createMetrics({ service: def.name, instance: config.INSTANCE_ID });
  const inFlight = new InFlight();
  const validateResponses =
    config.VALIDATE_RESPONSES === "true" ||
    (config.VALIDATE_RESPONSES === "auto" && config.NODE_ENV !== "production");
  const identity = { service: def.name, version: def.version, instance: config.INSTANCE_ID };

  let stopping = false;
  let link: NatsLink | undefined;
  let js: JetStreamClient | undefined;
  let jsm: JetStreamManager | undefined;
  let relay: OutboxRelay | undefined;
  let rpcServer: RpcServer | undefined;
  const consumers: EventConsumer[] = [];

  const store: Store<DrizzleSchema> | undefined = def.store
    ? openStore({
        file: config.DB_FILE ?? join(config.DATA_DIR, `${def.name}.db`),
        schema: def.store.schema,
        migrationsFolder: migrationsPath(def.store.migrations),
        modules: def.store.modules ?? [],
        synchronous: config.SQLITE_SYNCHRONOUS,
      })
    : undefined;

  const runtimeRef: { current?: ServiceRuntime } = {};
  const monitor = new HealthMonitor({
    identity,
    checks: () => [
      ...kitChecks({
        store,
        connected: () => link?.connected() ?? false,
        jsm: () => jsm,
        consumers: () => consumers,
        stopping: () => stopping,
      }),
      ...(def.checks && runtimeRef.current ? def.checks(runtimeRef.current as never) : []),
    ],
    consumers: () => consumers,
    intervalMs: config.READINESS_INTERVAL_MS,
    log,
  });

  // HTTP first: liveness answers while NATS is still being reached.
  const app = createServiceApp({
    service: def.name,
    instance: config.INSTANCE_ID,
    log,
    metrics,
    metricsEnabled: config.METRICS,
    inFlight,
    ready: () => monitor.report(),
  });
  // Until start-up completes (the routes hook included) requests go to a stand-in that says "starting".
  const starting = createStartingApp(identity);
  let started = false;
  const server = serve({
    fetch: (request, env) => (started ? app.fetch(request, env) : starting.fetch(request, env)),
    port: config.PORT,
    hostname: config.HOST,
  }) as Server;
  server.on("clientError", answerClientError);
  await new Promise<void>((resolveListen, reject) => {
    server.once("listening", resolveListen);
    server.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.PORT;
  const url = `http://${config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST}:${port}`;

  try {
    link = await connectNats({
      servers: config.NATS_URL,
      name: `${def.name}:${config.INSTANCE_ID}`,
      log,
      credsFile: config.NATS_CREDS,
      user: config.NATS_USER,
      password: config.NATS_PASSWORD,
      token: config.NATS_TOKEN,
      inboxPrefix: inboxPrefix(def.name),
    });
  } catch (err) {
    server.close();
    store?.close();
    throw err;
  }
  const nc = link.nc;
  js = jetstream(nc);
  jsm = await jetstreamManager(nc, { checkAPI: false });

  const rpc = createRpcClient({
    nc,
    caller: def.name,
    connected: link.connected,
    metrics,
    guard: callGuard(def),
  });
  const outboxWriter = store
    ? createOutboxWriter({ sqlite: store.sqlite, source: def.name, guard: emitGuard(def) })
    : undefined;
  const inbox = store ? createInbox(store.sqlite) : undefined;
  const idempotency = store ? createIdempotencyStore(store.sqlite) : undefined;

  const transaction = <T>(fn: (tx: Tx<DrizzleSchema>, outbox: NonNullable<typeof outboxWriter>) => T): T => {
    if (!store || !outboxWriter) throw new Error(`${def.name} declares no store: it has no transactions`);
    const result = store.db.transaction((tx) => fn(tx, outboxWriter), { behavior: "immediate" });
    relay?.notify();
    return result;
  };

  const runtime: ServiceRuntime = {
    name: def.name,
    version: def.version,
    instance: config.INSTANCE_ID,
    config,
    log,
    store,
    get db() {
      if (!store) throw new Error(`${def.name} declares no store`);
      return store.db;
    },
    call: (contract, input, opts) => rpc.call(contract, input, opts),
    stream: (contract, input, opts) => rpc.stream(contract, input, opts),
    transaction: transaction as ServiceRuntime["transaction"],
    nats: { nc, js, jsm },
    metrics,
    deadLetters: createDeadLetters({ js, jsm }),
    outboxStats: () => relay?.stats(),
    health: () => monitor.report(),
  };
  runtimeRef.current = runtime;

  let pruneInbox: NodeJS.Timeout | undefined;
  let onStartRan = false;
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      stopping = true;
      const deadline = config.SHUTDOWN_TIMEOUT_MS;
      log.info("shutting down");
      monitor.stop();
      clearInterval(pruneInbox);
      server.close();
      await rpcServer?.stop();
      await Promise.all(consumers.map((c) => c.stop()));
      if (!(await inFlight.idle(deadline)))
        log.warn({ inFlight: inFlight.count }, "shutdown timeout: abandoning in-flight work");
      if (onStartRan && def.onStop) await def.onStop(runtime as never);
      await relay?.stop(Math.min(2000, deadline));
      try {
        await Promise.race([nc.drain(), sleep(Math.min(5000, deadline))]);
      } catch (err) {
        log.debug({ err }, "drain failed");
      }
      if (!nc.isClosed()) await nc.close();
      store?.close();
      server.closeAllConnections();
      log.info("stopped");
    })();
    return stopped;
  };

  try {
    // Streams this service owns: those of the events it emits, plus dead letters if it consumes.
    const owned = new Map(def.emits.map((e) => [e.stream.name, e.stream]));
    if (def.consumes.length > 0) owned.set(DEAD_LETTER_STREAM.name, DEAD_LETTER_STREAM);
    for (const stream of owned.values()) {
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await ensureStream(jsm, stream, { replicas: config.JS_REPLICAS });
          if (outcome !== "unchanged") log.info({ stream: stream.name, outcome }, "stream ensured");
          break;
        } catch (err) {
          if (attempt >= 30) throw err;
          log.warn({ err, stream: stream.name }, "JetStream not ready; retrying");
          await sleep(Math.min(2000, 100 * attempt));
        }
      }
    }

    if (store) {
      relay = new OutboxRelay({
        sqlite: store.sqlite,
        js,
        log,
        registry: metrics.registry,
        batch: config.OUTBOX_BATCH,
        sweepMs: config.OUTBOX_SWEEP_MS,
        retentionMs: config.OUTBOX_RETENTION_MS,
      });
      relay.start();
    }

    if (def.onStart) await def.onStart(runtime as never);
    onStartRan = true;

    rpcServer = await startRpcServer({
      nc,
      name: def.name,
      version: def.version,
      description: def.description,
      metadata: { topology: JSON.stringify(describeTopology(def)), instance: config.INSTANCE_ID, http: url },
      endpoints: def.serves,
      log,
      metrics,
      validateResponses,
      inFlight,
      makeContext: (request) => makeRpcContext(runtime, transaction, idempotency, request),
    });

    if (def.consumes.length > 0) {
      if (!inbox)
        throw new Error(`${def.name} consumes events but declares no store (the inbox lives there)`);
      consumers.push(
        ...startConsumers({
          def,
          config,
          js,
          jsm,
          log,
          metrics,
          serverVersion: nc.info?.version,
          inbox,
          transaction: transaction as never,
        }),
      );
    }

    pruneInbox = inbox
      ? setInterval(
          () => {
            try {
              // Kept longer than the services' streams keep messages (30 days); a dead letter replayed after that
              // is addressed to the consumer that failed it, so others do not apply it again (Bazaar-Replay-For).
              inbox.prune(120 * 24 * 60 * 60 * 1000);
              idempotency?.prune(7 * 24 * 60 * 60 * 1000);
            } catch (err) {
              log.warn({ err }, "inbox prune failed");
            }
          },
          60 * 60 * 1000,
        ).unref()
      : undefined;

    monitor.start(nc);
    if (def.routes) def.routes(app, runtime as never);
    started = true;
  } catch (err) {
    // Stop whatever started, so a failed start leaks no server, connection or file handle.
    log.error({ err }, "start-up failed");
    await stop().catch(() => undefined);
    throw err;
  }

  void nc.closed().then((err) => {
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
}
