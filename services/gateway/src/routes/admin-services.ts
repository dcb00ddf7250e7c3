import type { Discovery } from "../discovery/discovery.js";
import { joinInstances, ServiceInstances } from "../discovery/service-instances.js";
import { buildTopology, Topology } from "../discovery/topology.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

/** `adminServiceRoutes`: what runs and who talks to whom, under `/api/admin`, by discovery (no static list). */
export function adminServiceRoutes(discovery: Discovery): RouteGroup {
  const services = defineRoute({
    method: "get",
    path: "/services",
    access: "admin",
    summary: "Every running instance: metadata, per-endpoint statistics and readiness",
    success: { status: 200, description: "Instances by service", schema: ServiceInstances },
    handler: async (c) => {
      const [info, stats, reports] = await Promise.all([
        discovery.info(),
        discovery.stats(),
        discovery.health(),
      ]);
      return c.json(joinInstances(info, stats, reports));
    },
  });

  const topology = defineRoute({
    method: "get",
    path: "/topology",
    access: "admin",
    summary: "Services and who calls whom and who consumes whose events, from what each declares",
    success: { status: 200, description: "Nodes and edges", schema: Topology },
    handler: async (c) => c.json(buildTopology(await discovery.info())),
  });

  return { prefix: "/api/admin", tag: "admin", routes: [services, topology] };
}
