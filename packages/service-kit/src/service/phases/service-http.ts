import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import type { HealthReport } from "../../health/readiness.js";
import { answerClientError } from "../../http/client-error.js";
import { createServiceApp, type KitEnv } from "../../http/create-service-app.js";
import { createMetricsApp } from "../../http/metrics-app.js";
import { createStartingApp } from "../../http/starting-app.js";
import type { Logger } from "../../logging/logger.js";
import type { ServiceMetrics } from "../../metrics/metrics.js";
import type { InFlight } from "../../rpc/in-flight.js";
import type { Telemetry } from "../../tracing/telemetry.js";
import type { ServiceConfig } from "./service-config.js";

export interface ServiceHttp {
  readonly app: Hono<KitEnv>;
  readonly url: string;
  readonly port: number;
  /** From now on requests reach the service's app, its routes complete (until then: "starting"). */
  open(): void;
  /** Stops accepting connections; those open finish. */
  close(): void;
  /** Ends the connections still open. */
  closeAllConnections(): void;
}

/**
 * `startServiceHttp` listens first, so liveness answers while the broker is still being reached. Until
 * `open`, every request gets a stand-in that says "starting": Hono builds its router on the first
 * request and refuses routes added after, so the real app must be complete before it is reached.
 */
export async function startServiceHttp(o: {
  readonly identity: { readonly service: string; readonly version: string; readonly instance: string };
  readonly config: ServiceConfig;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly inFlight: InFlight;
  readonly telemetry: Telemetry;
  readonly ready: () => Promise<HealthReport>;
}): Promise<ServiceHttp> {
  const app = createServiceApp({
    service: o.identity.service,
    instance: o.identity.instance,
    log: o.log,
    metrics: o.metrics,
    metricsEnabled: o.config.METRICS && o.config.METRICS_PORT === 0,
    inFlight: o.inFlight,
    telemetry: o.telemetry,
    ready: o.ready,
  });
  const starting = createStartingApp(o.identity);
  let opened = false;
  const server = serve({
    fetch: (request, env) => (opened ? app.fetch(request, env) : starting.fetch(request, env)),
    port: o.config.PORT,
    hostname: o.config.HOST,
  }) as Server;
  server.on("clientError", answerClientError);
  await new Promise<void>((resolveListen, reject) => {
    server.once("listening", resolveListen);
    server.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : o.config.PORT;
  const host = o.config.HOST.includes(":") ? `[${o.config.HOST}]` : o.config.HOST;
  const metrics = o.config.METRICS && o.config.METRICS_PORT > 0 ? await serveMetrics(o) : undefined;
  return {
    app,
    url: `http://${host}:${port}`,
    port,
    open: () => {
      opened = true;
    },
    close: () => {
      server.close();
      metrics?.close();
    },
    closeAllConnections: () => {
      server.closeAllConnections();
      metrics?.closeAllConnections();
    },
  };
}

/** `/metrics` alone, on `METRICS_PORT`: the service's own port then has none. */
async function serveMetrics(o: {
  readonly config: ServiceConfig;
  readonly metrics: ServiceMetrics;
}): Promise<Server> {
  const app = createMetricsApp({ metrics: o.metrics });
  const server = serve({ fetch: app.fetch, port: o.config.METRICS_PORT, hostname: o.config.HOST }) as Server;
  await new Promise<void>((resolveListen, reject) => {
    server.once("listening", resolveListen);
    server.once("error", reject);
  });
  return server;
}
