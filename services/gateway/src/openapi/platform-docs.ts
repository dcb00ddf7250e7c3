import * as v from "valibot";
import type { OperationDoc } from "./operation.js";

/** The kit's health report (`application/health+json`), as far as a client relies on it. */
const HealthReport = v.object({
  status: v.picklist(["pass", "fail"]),
  service: v.string(),
  version: v.string(),
  instance: v.string(),
  checks: v.record(v.string(), v.unknown()),
});

/**
 * `platformDocs` describes the routes the service kit adds to every service (they answer before the
 * gateway's middleware, so no rate limit applies to probes and scrapes).
 */
export const platformDocs: readonly OperationDoc[] = [
  {
    method: "get",
    path: "/health/live",
    tag: "meta",
    access: "public",
    servedBy: "kit",
    summary: "Liveness: the process answers (never checks dependencies)",
    success: {
      status: 200,
      description: "Alive",
      schema: v.object({
        status: v.literal("pass"),
        service: v.string(),
        instance: v.string(),
        uptimeSeconds: v.number(),
      }),
    },
  },
  {
    method: "get",
    path: "/health/ready",
    tag: "meta",
    access: "public",
    servedBy: "kit",
    summary: "Readiness of this gateway instance (NATS, JetStream); 503 when not ready",
    success: {
      status: 200,
      description: "Ready",
      schema: HealthReport,
      contentType: "application/health+json",
    },
    // Not ready is a report like ready, with status fail, not a problem document.
    alternatives: [
      {
        status: 503,
        description: "Not ready",
        schema: HealthReport,
        contentType: "application/health+json",
      },
    ],
  },
  {
    method: "get",
    path: "/metrics",
    tag: "meta",
    access: "public",
    servedBy: "kit",
    summary: "Prometheus metrics of this instance",
    success: {
      status: 200,
      description: "Prometheus text exposition",
      schema: v.string(),
      contentType: "text/plain",
    },
  },
];

/** The kit's routes on the gateway's own port: `/metrics` only when it is served there. */
export function platformDocsFor(options: { readonly publicMetrics: boolean }): readonly OperationDoc[] {
  return options.publicMetrics ? platformDocs : platformDocs.filter((doc) => doc.path !== "/metrics");
}
