import type { IContainer } from "kubernetes-models/v1/Container";
import type { ServiceInfo } from "../repo.js";
import { describe, type KubeObject } from "./objects.js";
import { isSecretRef, resolvedEnv, type Workload, workloads } from "./pods.js";
import { natsPassword, POD_INDEX_LABEL, SERVICE_SECRETS } from "./settings.js";

export interface ServiceCheckOptions {
  readonly services: readonly ServiceInfo[];
  /** The JS_REPLICAS the rendered overlay must give every service. */
  readonly jsReplicas: number;
}

function labelsMatch(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Boolean(selector) && Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

function httpPort(container: IContainer): number | undefined {
  return container.ports?.find((p) => p.name === "http")?.containerPort;
}

/** NATS_URL must name a Service of this render that exposes the URL's port. */
function natsUrlProblem(url: string | undefined, objects: readonly KubeObject[]): string | undefined {
  if (!url) return "NATS_URL is not set";
  const first = new URL(url.split(",")[0] ?? url);
  const port = Number(first.port || 4222);
  const service = objects.find((o) => o.kind === "Service" && o.metadata.name === first.hostname);
  const ports = (service?.spec as { ports?: Array<{ port: number }> } | undefined)?.ports ?? [];
  if (!ports.some((p) => p.port === port)) return `NATS_URL ${url} names no Service with port ${port}`;
  return undefined;
}

function volumeProblems(workload: Workload, container: IContainer, dataDir: string | undefined): string[] {
  const claims = (workload.object.spec as { volumeClaimTemplates?: Array<{ metadata?: { name?: string } }> })
    .volumeClaimTemplates;
  const mount = container.volumeMounts?.find((m) => m.mountPath === dataDir);
  if (!dataDir) return ["DATA_DIR is not set"];
  if (!mount) return [`nothing is mounted at DATA_DIR ${dataDir}`];
  if (!claims?.some((c) => c.metadata?.name === mount.name))
    return [`DATA_DIR ${dataDir} is not on a volume claim template (the data would die with the pod)`];
  return [];
}

function containerProblems(
  service: ServiceInfo,
  workload: Workload,
  options: ServiceCheckOptions,
  objects: readonly KubeObject[],
): string[] {
  const container = workload.pod.containers[0];
  if (!container || workload.pod.containers.length !== 1) return ["expected exactly one container"];
  const env = resolvedEnv(container, objects);
  const value = (name: string) => env.get(name)?.value;
  const problems: string[] = [];
  const expect = (name: string, wanted: string | undefined) => {
    if (value(name) !== wanted)
      problems.push(`${name} is ${JSON.stringify(value(name))}, expected ${JSON.stringify(wanted)}`);
  };
  expect("NODE_ENV", "production");
  expect("HOST", "0.0.0.0");
  expect("PORT", httpPort(container)?.toString());
  expect("JS_REPLICAS", String(options.jsReplicas));
  const natsUrl = natsUrlProblem(value("NATS_URL"), objects);
  if (natsUrl) problems.push(natsUrl);
  const creds = value("NATS_CREDS");
  // Its own user: another service's would give it that service's permissions.
  if (!creds) expect("NATS_USER", service.name);
  const secrets = [...(creds ? [] : [natsPassword(service.name)]), ...(SERVICE_SECRETS[service.name] ?? [])];
  for (const wanted of secrets) {
    const got = env.get(wanted.name)?.secret;
    if (!isSecretRef(got, wanted.secret, wanted.key))
      problems.push(`${wanted.name} must come from Secret ${wanted.secret} key ${wanted.key}`);
  }
  for (const kind of ["requests", "limits"] as const) {
    for (const resource of ["cpu", "memory"]) {
      if (!container.resources?.[kind]?.[resource]) problems.push(`no ${resource} ${kind}`);
    }
  }
  if (service.usesSqlite) problems.push(...volumeProblems(workload, container, value("DATA_DIR")));
  if (workload.pod.securityContext?.runAsNonRoot !== true) problems.push("pods may run as root");
  return problems;
}

/**
 * A partitioned service's pods must agree with its StatefulSet on how many share the partitions, and each
 * must know its own index: otherwise partitions go unowned, or two pods claim the same ones.
 */
function partitionProblems(workload: Workload, replicas: number | undefined): string[] {
  const env = workload.pod.containers?.[0]?.env ?? [];
  const problems: string[] = [];
  const instances = env.find((e) => e.name === "INSTANCES")?.value;
  if (String(replicas) !== instances)
    problems.push(`replicas ${replicas}, but INSTANCES is ${instances ?? "unset"}`);
  const ordinal = env.find((e) => e.name === "ORDINAL")?.valueFrom?.fieldRef?.fieldPath;
  if (ordinal !== `metadata.labels['${POD_INDEX_LABEL}']`)
    problems.push(`ORDINAL must come from the pod's index label ${POD_INDEX_LABEL}`);
  return problems;
}

/**
 * `checkServices` checks how every Bazaar service is deployed in a rendered overlay: a SQLite owner is a
 * one-replica StatefulSet with DATA_DIR on a claim template; a stateless service is a Deployment with a
 * Service in front; each container has the production environment, its own NATS user (its password from
 * its own Secret) and its own secrets from Secrets, and resource requests and limits.
 */
export function checkServices(objects: readonly KubeObject[], options: ServiceCheckOptions): string[] {
  const all = workloads(objects);
  return options.services.flatMap((service) => {
    const kind = service.usesSqlite ? "StatefulSet" : "Deployment";
    const workload = all.find((w) => w.object.kind === kind && w.object.metadata.name === service.name);
    if (!workload) return [`${service.name}: no ${kind}`];
    const where = describe(workload.object);
    const problems = containerProblems(service, workload, options, objects).map((p) => `${where}: ${p}`);
    const replicas = (workload.object.spec as { replicas?: number }).replicas;
    if (service.partitioned)
      problems.push(...partitionProblems(workload, replicas).map((p) => `${where}: ${p}`));
    else if (service.usesSqlite && replicas !== 1)
      problems.push(`${where}: replicas ${replicas}, but SQLite has one writer`);
    const podLabels =
      (workload.object.spec as { template?: { metadata?: { labels?: Record<string, string> } } }).template
        ?.metadata?.labels ?? {};
    const fronted = objects.some(
      (o) =>
        o.kind === "Service" &&
        labelsMatch((o.spec as { selector?: Record<string, string> }).selector, podLabels),
    );
    if (!fronted) problems.push(`${where}: no Service selects its pods`);
    return problems;
  });
}
