import { Hono } from "hono";
import type { ServiceMetrics } from "../metrics/metrics.js";

/**
 * `createMetricsApp` is what a service serves on `METRICS_PORT`: `/metrics` and nothing else, so a
 * scrape port never exposes health details or routes. The deploy checks list its routes from here.
 */
export function createMetricsApp(options: { readonly metrics: ServiceMetrics }): Hono {
  const app = new Hono();
  app.get("/metrics", async (c) =>
    c.body(await options.metrics.render(), 200, { "content-type": options.metrics.registry.contentType }),
  );
  return app;
}
