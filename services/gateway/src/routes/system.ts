import type { Discovery } from "../discovery/discovery.js";
import { SystemHealth, summarizeHealth, withoutDetails } from "../discovery/system-health.js";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

const HEALTH_JSON = "application/health+json";

/** `systemRoutes`: whether the whole system is ready, at `/api/system/health`, by discovery over NATS. */
export function systemRoutes(discovery: Discovery): RouteGroup {
  const health = defineRoute({
    method: "get",
    path: "/health",
    access: "public",
    summary: "Readiness of every service, found by discovery (200 when all pass, 503 otherwise)",
    success: {
      status: 200,
      description: "Every service is ready",
      schema: SystemHealth,
      contentType: HEALTH_JSON,
    },
    // A failing system is not an error of the request: the 503 carries the same report, not a problem.
    alternatives: [
      { status: 503, description: "A service is not ready", schema: SystemHealth, contentType: HEALTH_JSON },
    ],
    handler: async (c) => {
      const [info, reports] = await Promise.all([discovery.info(), discovery.health()]);
      const full = summarizeHealth(info, reports);
      const report = c.get("principal")?.role === "admin" ? full : withoutDetails(full);
      return c.body(JSON.stringify(report), report.status === "pass" ? 200 : 503, {
        "content-type": HEALTH_JSON,
        "cache-control": "no-store",
      });
    },
  });
  return { prefix: "/api/system", tag: "system", routes: [health] };
}
