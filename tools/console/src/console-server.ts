import { readFile } from "node:fs/promises";
import type { Server } from "node:http";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { topology } from "@bazaar/topology";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { createMetricsSampler, type MetricsHistory } from "./metrics/metrics-sampler.js";

const PUBLIC = join(dirname(fileURLToPath(import.meta.url)), "..", "public");
const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};
/** The console runs no inline script and loads nothing from elsewhere. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export interface ConsoleServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly host?: string;
  /** Where the gateway listens: the console's `/api/*` is forwarded there (same origin, no CORS). */
  readonly gatewayUrl: string;
  /** The trace viewer's UI, when one runs: every trace id the console shows links to it. */
  readonly tracesUiUrl?: string;
  /**
   * Each service's Prometheus `/metrics` URL, by service name: the console samples them into a bounded
   * in-memory history for its charts (`/metrics-history.json`). Without it the charts say so.
   */
  readonly metricsUrls?: Readonly<Record<string, string>>;
  /** How often to sample `metricsUrls` (default 5 s). */
  readonly metricsIntervalMs?: number;
}

export interface ConsoleServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * `createConsoleApp` serves the console's static files and forwards `/api/*` to the gateway unchanged
 * (streaming included, for the live event tail). It has no API of its own: everything goes through the
 * gateway's admin API, with the operator's token. It also serves the registry of services as
 * `/topology.json` (public data: names, roles, the order they are listed in; no state, no secret).
 */
export function createConsoleApp(options: {
  gatewayUrl: string;
  tracesUiUrl?: string;
  /** The sampled metrics, when the console samples any (see `ConsoleServerOptions.metricsUrls`). */
  metricsHistory?: () => MetricsHistory;
}): Hono {
  const app = new Hono();
  app.all("/api/*", async (c) => {
    const target = new URL(c.req.path + (new URL(c.req.url).search || ""), options.gatewayUrl);
    const headers = new Headers(c.req.raw.headers);
    headers.delete("host");
    const init: RequestInit & { duplex?: "half" } = { method: c.req.method, headers, redirect: "manual" };
    if (!["GET", "HEAD"].includes(c.req.method)) {
      init.body = c.req.raw.body;
      init.duplex = "half";
    }
    try {
      const upstream = await fetch(target, init);
      return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
    } catch {
      return c.json(
        {
          type: "about:blank",
          title: "Gateway unreachable",
          status: 502,
          detail: `the gateway at ${options.gatewayUrl} does not answer`,
        },
        502,
      );
    }
  });
  // The registry of services (packages/topology), for the page: the order it lists and draws them in.
  // Where a trace opens: `{traceId}` is replaced by the id; null when no viewer runs.
  app.get("/traces.json", (c) =>
    c.json(
      options.tracesUiUrl
        ? { traceUrl: `${options.tracesUiUrl.replace(/\/?$/, "/")}traces/{traceId}` }
        : null,
      200,
      { "cache-control": "no-cache", "x-content-type-options": "nosniff" },
    ),
  );
  // The charts' data: null when nothing is sampled (the page says where the URLs come from).
  app.get("/metrics-history.json", (c) =>
    c.json(options.metricsHistory?.() ?? null, 200, {
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    }),
  );
  app.get("/topology.json", (c) =>
    c.json(topology, 200, { "cache-control": "no-cache", "x-content-type-options": "nosniff" }),
  );
  app.get("*", async (c) => {
    const path = c.req.path === "/" ? "/index.html" : c.req.path;
    const file = normalize(join(PUBLIC, path));
    if (!file.startsWith(PUBLIC)) return c.notFound();
    try {
      const body = await readFile(file);
      return c.body(body, 200, {
        "content-type": TYPES[extname(file)] ?? "application/octet-stream",
        "content-security-policy": CSP,
        "x-content-type-options": "nosniff",
        "cache-control": "no-cache",
      });
    } catch {
      return c.notFound();
    }
  });
  return app;
}

/** `startConsole` serves the console on a local port. */
export async function startConsole(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const host = options.host ?? "127.0.0.1";
  const sampler = options.metricsUrls
    ? createMetricsSampler({
        urls: options.metricsUrls,
        ...(options.metricsIntervalMs ? { intervalMs: options.metricsIntervalMs } : {}),
      })
    : undefined;
  const server = serve({
    fetch: createConsoleApp({
      gatewayUrl: options.gatewayUrl,
      ...(options.tracesUiUrl ? { tracesUiUrl: options.tracesUiUrl } : {}),
      ...(sampler ? { metricsHistory: () => sampler.history() } : {}),
    }).fetch,
    port: options.port,
    hostname: host,
  }) as Server;
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", reject);
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  sampler?.start();
  return {
    url: `http://${host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        sampler?.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
