import * as v from "valibot";
import type { HealthReply, SrvInfo } from "./discovery.js";
import { calledServices } from "./topology.js";

const Status = v.picklist(["pass", "fail"]);

export const InstanceHealth = v.object({
  /** The NATS services id (null when the instance answered `sys.health` but not `$SRV.INFO`). */
  id: v.nullable(v.string()),
  instance: v.string(),
  version: v.string(),
  status: Status,
  checks: v.record(v.string(), v.unknown()),
});

/** `GET /api/system/health`: every service found running or called, and each instance's readiness. */
export const SystemHealth = v.object({
  status: Status,
  services: v.array(v.object({ name: v.string(), status: Status, instances: v.array(InstanceHealth) })),
});
export type SystemHealth = v.InferOutput<typeof SystemHealth>;
type InstanceHealth = v.InferOutput<typeof InstanceHealth>;

/**
 * `summarizeHealth` joins the instances that answered `$SRV.INFO` with the readiness reports from
 * `sys.health` (by the kit's `instance` metadata). A service is expected when an instance of it answers or
 * when a running service declares calls to it, so a stopped service still shows, with no instances. A
 * service passes when at least one instance is ready; the system passes when every service does. An
 * instance that did not report readiness fails.
 */
export function summarizeHealth(info: readonly SrvInfo[], reports: readonly HealthReply[]): SystemHealth {
  const byService = new Map<string, InstanceHealth[]>();
  const instancesOf = (name: string): InstanceHealth[] => {
    const list = byService.get(name) ?? [];
    if (list.length === 0) byService.set(name, list);
    return list;
  };
  const reportOf = new Map(reports.map((r) => [`${r.service}/${r.instance}`, r]));
  for (const srv of info) {
    const instance = srv.metadata.instance ?? srv.id;
    const report = reportOf.get(`${srv.name}/${instance}`);
    reportOf.delete(`${srv.name}/${instance}`);
    instancesOf(srv.name).push({
      id: srv.id,
      instance,
      version: srv.version,
      status: report?.status ?? "fail",
      checks: report?.checks ?? {},
    });
  }
  for (const r of reportOf.values()) {
    instancesOf(r.service).push({
      id: null,
      instance: r.instance,
      version: r.version,
      status: r.status,
      checks: r.checks,
    });
  }
  for (const name of calledServices(info)) instancesOf(name);

  const services = [...byService]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, instances]) => ({
      name,
      status: instances.some((i) => i.status === "pass") ? ("pass" as const) : ("fail" as const),
      instances: instances.sort((a, b) => a.instance.localeCompare(b.instance)),
    }));
  return { status: services.every((s) => s.status === "pass") ? "pass" : "fail", services };
}

/**
 * `withoutDetails` is what anonymous callers see: each check's pass or fail, without its output or
 * observed values (error messages and counts are for operators).
 */
export function withoutDetails(health: SystemHealth): SystemHealth {
  const statusOnly = (results: unknown): unknown =>
    Array.isArray(results) ? results.map((r) => ({ status: (r as { status?: unknown }).status })) : results;
  return {
    ...health,
    services: health.services.map((service) => ({
      ...service,
      instances: service.instances.map((i) => ({
        ...i,
        checks: Object.fromEntries(
          Object.entries(i.checks).map(([name, results]) => [name, statusOnly(results)]),
        ),
      })),
    })),
  };
}
