import { Hono } from "hono";
import type { Discovery } from "../discovery/discovery.js";
import { joinInstances, ServiceInstances } from "../discovery/service-instances.js";
import { SystemHealth, summarizeHealth, withoutDetails } from "../discovery/system-health.js";
import { buildTopology, Topology } from "../discovery/topology.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import type { OperationDoc } from "../openapi/operation.js";

export const systemDocs: readonly OperationDoc[] = [
  {
    method: "get",
    path: "/api/system/health",
    tag: "system",
    access: "public",
    summary: "Readiness of every service, found by discovery (200 when all pass, 503 otherwise)",
    success: {
      status: 200,
      description: "Every service is ready (the same body comes with 503 when one is not)",
      schema: SystemHealth,
      contentType: "application/health+json",
    },
  },
  {
    method: "get",
    path: "/api/admin/services",
    tag: "admin",
    access: "admin",
    summary: "Every running instance: metadata, per-endpoint statistics and readiness",
    success: { status: 200, description: "Instances by service", schema: ServiceInstances },
  },
  {
    method: "get",
    path: "/api/admin/topology",
    tag: "admin",
    access: "admin",
    summary: "Services and who calls whom and who consumes whose events, from what each declares",
    success: { status: 200, description: "Nodes and edges", schema: Topology },
  },
];

/** `systemRoutes`: what runs and whether it is ready, by discovery over NATS (no static list). */
export function systemRoutes(discovery: Discovery): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();

  app.get("/api/system/health", async (c) => {
    const [info, reports] = await Promise.all([discovery.info(), discovery.health()]);
    const full = summarizeHealth(info, reports);
    const health = c.get("principal")?.role === "admin" ? full : withoutDetails(full);
    return c.body(JSON.stringify(health), health.status === "pass" ? 200 : 503, {
      "content-type": "application/health+json",
      "cache-control": "no-store",
    });
  });

  app.get("/api/admin/services", async (c) => {
    const [info, stats, reports] = await Promise.all([
      discovery.info(),
      discovery.stats(),
      discovery.health(),
    ]);
    return c.json(joinInstances(info, stats, reports));
  });

  app.get("/api/admin/topology", async (c) => c.json(buildTopology(await discovery.info())));

  return app;
}
