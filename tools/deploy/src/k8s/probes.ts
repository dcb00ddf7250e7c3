import type { IContainer } from "kubernetes-models/v1/Container";
import type { IProbe } from "kubernetes-models/v1/Probe";
import { describe, type KubeObject } from "./objects.js";
import { workloads } from "./pods.js";
import { READINESS_PATH } from "./settings.js";

/**
 * The HTTP paths each kind of workload serves, keyed by its `app.kubernetes.io/component` label: on the
 * port its probes use, and on the port Prometheus scrapes (when that is a port of its own).
 */
export type ServedPaths = Readonly<
  Record<string, { readonly probes: ReadonlySet<string>; readonly scrape?: ReadonlySet<string> }>
>;

const PROBES = ["startupProbe", "livenessProbe", "readinessProbe"] as const;
type ProbeName = (typeof PROBES)[number];

/** A probe's path without its query string (`/healthz?js-enabled-only=true` is served at `/healthz`). */
function routeOf(path: string): string {
  return path.split("?")[0] ?? path;
}

function probeProblems(
  where: string,
  name: ProbeName,
  probe: IProbe | undefined,
  container: IContainer,
  served: ReadonlySet<string>,
): string[] {
  if (!probe) return [`${where}: no ${name}`];
  const path = probe.httpGet?.path;
  if (!path) return [`${where}: ${name} is not an HTTP GET with a path`];
  const problems: string[] = [];
  if (!served.has(routeOf(path))) {
    problems.push(
      `${where}: ${name} requests ${path}, which it does not serve (it serves ${[...served].join(", ")})`,
    );
  }
  // Liveness restarts the pod: a dependency outage (NATS down) must not restart every service.
  if (name !== "readinessProbe" && routeOf(path) === READINESS_PATH) {
    problems.push(
      `${where}: ${name} must not check readiness (${READINESS_PATH}): a NATS outage would restart every pod`,
    );
  }
  const port = probe.httpGet?.port;
  const ports = container.ports ?? [];
  if (!ports.some((p) => p.name === port || p.containerPort === port)) {
    problems.push(`${where}: ${name} uses port ${String(port)}, which the container does not declare`);
  }
  return problems;
}

/**
 * The scrape annotation must name a port a container declares and a path served there; a scrape port
 * that is also a probe's port would be the public one (the gateway's), which must not carry metrics.
 */
function scrapeProblems(
  object: KubeObject,
  annotations: Record<string, string> | undefined,
  containers: readonly IContainer[],
  served: ReadonlySet<string>,
): string[] {
  const path = annotations?.["prometheus.io/path"];
  if (!path) return [];
  const port = Number(annotations?.["prometheus.io/port"]);
  const declared = containers.flatMap((c) => c.ports ?? []).find((p) => p.containerPort === port);
  if (!declared) return [`${describe(object)}: prometheus.io/port ${String(port)} is not a container port`];
  const probed = containers.some((c) =>
    PROBES.some((name) => {
      const probePort = c[name]?.httpGet?.port;
      return probePort === declared.name || probePort === declared.containerPort;
    }),
  );
  if (probed)
    return [`${describe(object)}: metrics are scraped on the HTTP port ${port}, not a port of their own`];
  return served.has(path) ? [] : [`${describe(object)}: prometheus.io/path ${path} is not served`];
}

/**
 * `checkProbes` checks every workload's start-up, liveness and readiness probes, and its Prometheus
 * annotation, against the paths that kind of workload serves: a probe on a path nobody serves fails
 * forever, and a liveness probe on readiness restarts healthy pods whenever a dependency is down.
 */
export function checkProbes(objects: readonly KubeObject[], served: ServedPaths): string[] {
  return workloads(objects).flatMap(({ object, labels, pod }) => {
    const component = labels["app.kubernetes.io/component"] ?? "";
    const paths = served[component];
    if (!paths) return [`${describe(object)}: no served paths known for component "${component}"`];
    const annotations = (
      object.spec as { template?: { metadata?: { annotations?: Record<string, string> } } }
    ).template?.metadata?.annotations;
    return [
      ...scrapeProblems(object, annotations, pod.containers, paths.scrape ?? paths.probes),
      ...pod.containers.flatMap((container) =>
        PROBES.flatMap((name) =>
          probeProblems(
            `${describe(object)} container ${container.name}`,
            name,
            container[name],
            container,
            paths.probes,
          ),
        ),
      ),
    ];
  });
}

/** What a workload's probes and Prometheus annotation request, for a live check against it. */
export interface RequestedPaths {
  /** On the HTTP port the probes use. */
  readonly probes: string[];
  /** Where Prometheus scrapes, when the workload says. */
  readonly scrape: { readonly port: number; readonly path: string } | undefined;
}

export function requestedPaths(objects: readonly KubeObject[], name: string): RequestedPaths {
  const workload = workloads(objects).find((w) => w.object.metadata.name === name);
  if (!workload) return { probes: [], scrape: undefined };
  const annotations = (
    workload.object.spec as { template?: { metadata?: { annotations?: Record<string, string> } } }
  ).template?.metadata?.annotations;
  const paths = workload.pod.containers.flatMap((c) =>
    PROBES.map((probe) => c[probe]?.httpGet?.path).filter((p): p is string => Boolean(p)),
  );
  const path = annotations?.["prometheus.io/path"];
  const port = Number(annotations?.["prometheus.io/port"]);
  return { probes: [...new Set(paths)], scrape: path ? { port, path } : undefined };
}
