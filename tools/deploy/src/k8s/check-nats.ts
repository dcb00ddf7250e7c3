import { describe, type KubeObject } from "./objects.js";
import { isSecretRef, resolvedEnv, workloads } from "./pods.js";
import { NATS_PASSWORD_KEY, natsUserSecret } from "./settings.js";

/** The NATS StatefulSet and the config file its pods mount, from a set of objects. */
export function natsConfig(
  objects: readonly KubeObject[],
): { replicas: number; serviceName: string; conf: string; mountPath: string } | undefined {
  const nats = workloads(objects).find((w) => w.labels["app.kubernetes.io/component"] === "nats");
  if (!nats) return undefined;
  const spec = nats.object.spec as { replicas?: number; serviceName?: string };
  const configVolume = nats.pod.volumes?.find((v) => v.configMap);
  const map = objects.find(
    (o) => o.kind === "ConfigMap" && o.metadata.name === configVolume?.configMap?.name,
  );
  const mountPath = nats.pod.containers[0]?.volumeMounts?.find(
    (m) => m.name === configVolume?.name,
  )?.mountPath;
  const conf = (map?.data as Record<string, string> | undefined)?.["nats.conf"];
  if (!conf || !mountPath) return undefined;
  return { replicas: spec.replicas ?? 1, serviceName: spec.serviceName ?? "", conf, mountPath };
}

/** The users nats.conf defines, each with the variable its password comes from. */
export function natsUsers(conf: string): Array<{ user: string; variable: string }> {
  return [...conf.matchAll(/user:\s*"([^"]+)",\s*password:\s*\$([A-Z0-9_]+)/g)].map((m) => ({
    user: m[1] ?? "",
    variable: m[2] ?? "",
  }));
}

/**
 * `checkNats` checks the NATS cluster: three servers behind a headless Service, a config with a route to
 * each, JetStream stored on the persistent volume and fsynced on every write, and users only (no anonymous
 * access), each with its password from its own Secret.
 */
export function checkNats(objects: readonly KubeObject[]): string[] {
  const nats = workloads(objects).find((w) => w.labels["app.kubernetes.io/component"] === "nats");
  if (!nats) return ["no NATS StatefulSet"];
  const where = describe(nats.object);
  const config = natsConfig(objects);
  if (!config) return [`${where}: no nats.conf mounted from a ConfigMap`];
  const problems: string[] = [];
  if (config.replicas !== 3) problems.push(`${where}: ${config.replicas} servers, expected a cluster of 3`);
  const headless = objects.find((o) => o.kind === "Service" && o.metadata.name === config.serviceName);
  if ((headless?.spec as { clusterIP?: string } | undefined)?.clusterIP !== "None")
    problems.push(`${where}: serviceName ${config.serviceName} is not a headless Service`);
  if (!/cluster\s*\{/.test(config.conf)) problems.push("nats.conf has no cluster {} block");
  for (let i = 0; i < config.replicas; i++) {
    const route = `nats://${nats.object.metadata.name}-${i}.${config.serviceName}:6222`;
    if (!config.conf.includes(route)) problems.push(`nats.conf has no route ${route}`);
  }
  if (!/jetstream\s*\{/.test(config.conf)) problems.push("nats.conf has no jetstream {} block");
  if (!/^\s*sync_interval:\s*always\s*$/m.test(config.conf))
    problems.push("nats.conf: JetStream must fsync every write (sync_interval: always)");
  const storeDir = /^\s*store_dir:\s*(\S+)/m.exec(config.conf)?.[1];
  const claims =
    (nats.object.spec as { volumeClaimTemplates?: Array<{ metadata?: { name?: string } }> })
      .volumeClaimTemplates ?? [];
  const onClaim = nats.pod.containers[0]?.volumeMounts?.some(
    (m) => storeDir?.startsWith(`${m.mountPath}/`) && claims.some((c) => c.metadata?.name === m.name),
  );
  if (!onClaim) problems.push(`nats.conf store_dir ${storeDir} is not on a persistent volume claim`);
  const container = nats.pod.containers[0];
  const env = container ? resolvedEnv(container, objects) : new Map();
  const users = natsUsers(config.conf);
  if (users.length === 0) problems.push("nats.conf defines no users: anyone could connect and do anything");
  for (const { user, variable } of users) {
    const secret = natsUserSecret(user);
    if (!isSecretRef(env.get(variable)?.secret, secret, NATS_PASSWORD_KEY))
      problems.push(
        `${where}: ${variable} (user ${user}) must come from Secret ${secret} key ${NATS_PASSWORD_KEY}`,
      );
  }
  if (/^\s*no_auth_user\s*:/m.test(config.conf))
    problems.push("nats.conf: no_auth_user lets connections without credentials in");
  return problems;
}
