import * as v from "valibot";
import type { HealthReply, SrvInfo, SrvStats } from "./discovery.js";

/** One endpoint of an instance with its `$SRV.STATS` counters (times in nanoseconds, as NATS reports them). */
export const EndpointStats = v.object({
  name: v.string(),
  subject: v.string(),
  num_requests: v.number(),
  num_errors: v.number(),
  last_error: v.string(),
  processing_time: v.number(),
  average_processing_time: v.number(),
});

export const ServiceInstance = v.object({
  name: v.string(),
  id: v.string(),
  version: v.string(),
  description: v.string(),
  started: v.nullable(v.string()),
  /** The kit's metadata: `instance`, `http` (its base URL) and `topology` (JSON of what it declares). */
  metadata: v.record(v.string(), v.string()),
  endpoints: v.array(EndpointStats),
  /** The instance's readiness from `sys.health`; null when it did not answer in time. */
  health: v.nullable(
    v.object({ status: v.picklist(["pass", "fail"]), checks: v.record(v.string(), v.unknown()) }),
  ),
});
export type ServiceInstance = v.InferOutput<typeof ServiceInstance>;

/** `GET /api/admin/services`: running instances grouped by service. */
export const ServiceInstances = v.object({
  services: v.array(v.object({ name: v.string(), instances: v.array(ServiceInstance) })),
});
export type ServiceInstances = v.InferOutput<typeof ServiceInstances>;

/** `joinInstances` merges the three discovery answers per instance (INFO and STATS by id, health by instance). */
export function joinInstances(
  info: readonly SrvInfo[],
  stats: readonly SrvStats[],
  reports: readonly HealthReply[],
): ServiceInstances {
  const statsById = new Map(stats.map((s) => [s.id, s]));
  const healthOf = new Map(reports.map((r) => [`${r.service}/${r.instance}`, r]));
  const groups = new Map<string, ServiceInstance[]>();
  for (const srv of info) {
    const s = statsById.get(srv.id);
    const endpointStats = new Map(s?.endpoints.map((e) => [e.name, e]) ?? []);
    const report = healthOf.get(`${srv.name}/${srv.metadata.instance ?? ""}`);
    const instance: ServiceInstance = {
      name: srv.name,
      id: srv.id,
      version: srv.version,
      description: srv.description,
      started: s?.started ?? null,
      metadata: srv.metadata,
      endpoints: srv.endpoints.map((e) => {
        const counters = endpointStats.get(e.name);
        return {
          name: e.name,
          subject: e.subject,
          num_requests: counters?.num_requests ?? 0,
          num_errors: counters?.num_errors ?? 0,
          last_error: counters?.last_error ?? "",
          processing_time: counters?.processing_time ?? 0,
          average_processing_time: counters?.average_processing_time ?? 0,
        };
      }),
      health: report ? { status: report.status, checks: report.checks } : null,
    };
    const list = groups.get(srv.name);
    if (list) list.push(instance);
    else groups.set(srv.name, [instance]);
  }
  return {
    services: [...groups]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, instances]) => ({ name, instances: instances.sort((a, b) => a.id.localeCompare(b.id)) })),
  };
}
