import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import type { Logger } from "pino";
import { NotFoundError } from "../errors/app-error.js";
import type { HealthReport } from "../health/readiness.js";
import type { ServiceMetrics } from "../metrics/metrics.js";
import type { InFlight } from "../rpc/in-flight.js";
import { SpanKind, startSpan } from "../tracing/spans.js";
import { NO_TELEMETRY, type Telemetry } from "../tracing/telemetry.js";
import { parseTraceContext, runInScope, type Scope } from "../tracing/trace-context.js";
import { problemResponse } from "./problem.js";

/** Variables the kit sets on every Hono context. */
export type KitEnv = { Variables: { scope: Scope } };

export interface ServiceAppOptions {
  readonly service: string;
  readonly instance: string;
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly metricsEnabled: boolean;
  readonly inFlight: InFlight;
  readonly ready: () => Promise<HealthReport>;
  /** Spans for every request (default: none). */
  readonly telemetry?: Telemetry;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * `createServiceApp` is the HTTP shell of every service: a trace and request id per request (continued
 * from `traceparent` / `X-Request-Id` when valid), `GET /health/live` (the process answers; never checks
 * dependencies), `GET /health/ready` (every readiness check; 200 or 503, `application/health+json`),
 * `GET /metrics` (Prometheus), and errors as `application/problem+json`.
 */
export function createServiceApp(options: ServiceAppOptions): Hono<KitEnv> {
  const app = new Hono<KitEnv>();
  const started = Date.now();

  app.use(async (c, next) => {
    const method = c.req.method;
    const span = startSpan(options.telemetry ?? NO_TELEMETRY, {
      name: method,
      kind: SpanKind.SERVER,
      parent: parseTraceContext(c.req.header("traceparent"), c.req.header("tracestate")),
      attributes: { "http.request.method": method, "url.path": c.req.path, "url.scheme": "http" },
    });
    const incoming = c.req.header("x-request-id");
    const scope: Scope = {
      trace: span.trace,
      requestId: incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID(),
    };
    c.set("scope", scope);
    options.inFlight.enter();
    const t0 = performance.now();
    let thrown: unknown;
    try {
      await runInScope(scope, next);
    } catch (err) {
      thrown = err;
      throw err;
    } finally {
      options.inFlight.leave();
      c.header("X-Request-Id", scope.requestId);
      const route = c.req.routePath || "unmatched";
      const status = c.res.status;
      options.metrics.httpRequests.inc({ method, route, status: String(status) });
      options.metrics.httpDuration.observe({ method, route }, (performance.now() - t0) / 1000);
      span.updateName(`${method} ${route}`);
      span.setAttributes({ "http.route": route, "http.response.status_code": status });
      span.end(thrown ?? (status >= 500 ? { code: String(status) } : undefined));
    }
  });

  app.get("/health/live", (c) =>
    c.json({
      status: "pass",
      service: options.service,
      instance: options.instance,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
  );

  app.get("/health/ready", async (c) => {
    const report = await options.ready();
    return c.body(JSON.stringify(report), report.status === "pass" ? 200 : 503, {
      "content-type": "application/health+json",
      "cache-control": "no-store",
    });
  });

  if (options.metricsEnabled) {
    app.get("/metrics", async (c) =>
      c.body(await options.metrics.render(), 200, { "content-type": options.metrics.registry.contentType }),
    );
  }

  app.notFound((c) =>
    problemResponse(new NotFoundError("no such route"), {
      instance: c.req.path,
    }),
  );
  app.onError((err, c) => {
    const scope = c.get("scope");
    const response = problemResponse(err, {
      instance: c.req.path,
      ...(scope ? { traceId: scope.trace.traceId } : {}),
    });
    if (response.status >= 500) options.log.error({ err, path: c.req.path }, "HTTP request failed");
    return response;
  });
  return app;
}
