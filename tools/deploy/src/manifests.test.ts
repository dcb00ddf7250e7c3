import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, relative } from "node:path";
import { DEFAULT_GRANTED_PARTITIONS } from "@bazaar/service-kit/platform";
import { tempDir } from "@bazaar/testing";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import { beforeAll, describe, expect, it } from "vitest";
import { k8sDir } from "./generated-files.js";
import { checkNats, natsConfig, natsUsers } from "./k8s/check-nats.js";
import { checkServices } from "./k8s/check-services.js";
import { kitMetricsRoutes, kitRoutes, NATS_MONITOR_ROUTES } from "./k8s/kit-routes.js";
import { findKustomize, kustomizeBuild } from "./k8s/kustomize.js";
import { type KubeObject, parseManifests, validateObject } from "./k8s/objects.js";
import { workloads } from "./k8s/pods.js";
import { checkProbes, type ServedPaths } from "./k8s/probes.js";
import { findRepoRoot, listServices } from "./repo.js";
import { natsServerBin } from "./test-support/nats-server-bin.js";

const root = findRepoRoot();
const services = listServices(root);
const served: ServedPaths = {
  service: { probes: kitRoutes(), scrape: kitMetricsRoutes() },
  nats: { probes: NATS_MONITOR_ROUTES },
};

/** Every Kubernetes object file under k8s/: not kustomizations, not the overlays' JSON patches. */
function manifestFiles(dir: string = k8sDir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === "patches" || entry.name === "secrets" ? [] : manifestFiles(path);
    return entry.name.endsWith(".yaml") && entry.name !== "kustomization.yaml" ? [path] : [];
  });
}

const baseObjects = manifestFiles().flatMap((file) =>
  parseManifests(readFileSync(file, "utf8"), relative(k8sDir, file)),
);

function mutate(objects: readonly KubeObject[], change: (copy: KubeObject[]) => void): KubeObject[] {
  const copy = structuredClone(objects) as KubeObject[];
  change(copy);
  return copy;
}

/** A parsed workload, typed enough for a test to break it on purpose. */
type MutableWorkload = KubeObject & {
  spec: {
    replicas?: number;
    template: { metadata?: { annotations?: Record<string, string> }; spec: IPodSpec };
  };
};

function workload(objects: readonly KubeObject[], name: string): MutableWorkload {
  const found = objects.find((o) => o.metadata.name === name && /StatefulSet|Deployment/.test(o.kind));
  if (!found) throw new Error(`no workload ${name}`);
  return found as MutableWorkload;
}

function annotations(objects: readonly KubeObject[], name: string): Record<string, string> {
  const template = workload(objects, name).spec.template;
  template.metadata ??= {};
  template.metadata.annotations ??= {};
  return template.metadata.annotations;
}

function container(objects: readonly KubeObject[], name: string): IContainer {
  const first = workload(objects, name).spec.template.spec.containers[0];
  if (!first) throw new Error(`${name} has no container`);
  return first;
}

describe("every manifest file", () => {
  it("is a Kubernetes object that passes its schema", () => {
    expect(baseObjects.length).toBeGreaterThan(services.length * 2);
    expect(baseObjects.flatMap(validateObject)).toEqual([]);
  });

  it("fails the schema check when broken", () => {
    const broken = mutate(baseObjects, (copy) => {
      container(copy, "orders").ports = [{ name: "http", containerPort: "eighty" as unknown as number }];
    });
    expect(broken.flatMap(validateObject).join("\n")).toMatch(/StatefulSet\/orders: .*containerPort/);
    expect(validateObject({ apiVersion: "v9", kind: "Gadget", metadata: { name: "x" } })).toEqual([
      "Gadget/x: no schema known for v9 Gadget",
    ]);
  });
});

describe("probes", () => {
  it("are on paths every service serves, per the kit's own routes", () => {
    expect([...(served.service?.probes ?? [])]).toEqual(
      expect.arrayContaining(["/health/live", "/health/ready"]),
    );
    // Metrics are on a port of their own: the HTTP port (public, for the gateway) serves none.
    expect([...(served.service?.probes ?? [])]).not.toContain("/metrics");
    expect([...(served.service?.scrape ?? [])]).toEqual(["/metrics"]);
    expect(checkProbes(baseObjects, served)).toEqual([]);
  });

  it("fail the check when metrics are scraped on the HTTP port, on an undeclared port, or off their path", () => {
    const onHttp = mutate(baseObjects, (copy) => {
      annotations(copy, "gateway")["prometheus.io/port"] = "8080";
      annotations(copy, "users")["prometheus.io/port"] = "9999";
      annotations(copy, "orders")["prometheus.io/path"] = "/stats";
    });
    expect(checkProbes(onHttp, served)).toEqual([
      "Deployment/gateway: metrics are scraped on the HTTP port 8080, not a port of their own",
      "StatefulSet/orders: prometheus.io/path /stats is not served",
      "StatefulSet/users: prometheus.io/port 9999 is not a container port",
    ]);
  });

  it("fail the check on a path the service does not serve", () => {
    const moved = mutate(baseObjects, (copy) => {
      container(copy, "payments").readinessProbe!.httpGet!.path = "/healthz";
    });
    expect(checkProbes(moved, served)).toEqual([
      "StatefulSet/payments container payments: readinessProbe requests /healthz, which it does not serve (it serves /health/live, /health/ready)",
    ]);
  });

  it("fail the check when liveness or start-up checks readiness", () => {
    const ready = mutate(baseObjects, (copy) => {
      container(copy, "gateway").livenessProbe!.httpGet!.path = "/health/ready";
      container(copy, "users").startupProbe!.httpGet!.path = "/health/ready";
    });
    const problems = checkProbes(ready, served);
    expect(problems).toHaveLength(2);
    expect(problems.join("\n")).toMatch(
      /Deployment\/gateway container gateway: livenessProbe must not check readiness/,
    );
    expect(problems.join("\n")).toMatch(
      /StatefulSet\/users container users: startupProbe must not check readiness/,
    );
  });

  it("fail the check when missing or on an undeclared port", () => {
    const missing = mutate(baseObjects, (copy) => {
      delete container(copy, "shipping").livenessProbe;
      container(copy, "inventory").readinessProbe!.httpGet!.port = "web";
    });
    expect(checkProbes(missing, served)).toEqual([
      "StatefulSet/inventory container inventory: readinessProbe uses port web, which the container does not declare",
      "StatefulSet/shipping container shipping: no livenessProbe",
    ]);
  });
});

describe("the NATS servers", () => {
  it("accept the ConfigMap's nats.conf (nats-server -t)", () => {
    const config = natsConfig(baseObjects);
    expect(config).toBeDefined();
    using dir = tempDir("bazaar-nats-conf-");
    const file = dir.file("nats.conf");
    writeFileSync(file, config?.conf ?? "");
    const users = natsUsers(config?.conf ?? "");
    expect(users.map((u) => u.user)).toEqual(["operator", ...services.map((s) => s.name)]);
    const passwords = Object.fromEntries(
      users.map((u) => [u.variable, `p${u.user.replace(/-/g, "")}secret`]),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, POD_NAME: "nats-0", ...passwords };
    expect(
      execFileSync(natsServerBin(root), ["-t", "-c", file], { env, encoding: "utf8", stdio: "pipe" }),
    ).toBe("");
    writeFileSync(file, (config?.conf ?? "").replace("sync_interval: always", "sync_interval: sometimes"));
    expect(() => execFileSync(natsServerBin(root), ["-t", "-c", file], { env, stdio: "pipe" })).toThrow();
    // Every user's password must be in the server's environment: without one, the server does not start.
    writeFileSync(file, config?.conf ?? "");
    const { NATS_PASSWORD_ORDERS: _missing, ...incomplete } = env;
    expect(() =>
      execFileSync(natsServerBin(root), ["-t", "-c", file], { env: incomplete, stdio: "pipe" }),
    ).toThrow(/NATS_PASSWORD_ORDERS/);
  });

  it("serve the paths their probes request", async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const address = server.address();
        server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
      });
    });
    using store = tempDir("bazaar-nats-probe-");
    const server = spawn(natsServerBin(root), ["-js", "-p", "-1", "-m", String(port), "-sd", store.path], {
      stdio: "ignore",
    });
    try {
      const nats = container(baseObjects, "nats");
      const probes = [nats.startupProbe, nats.livenessProbe, nats.readinessProbe].map(
        (p) => p?.httpGet?.path ?? "",
      );
      for (const path of probes) {
        const deadline = Date.now() + 10_000;
        let status = 0;
        while (status !== 200 && Date.now() < deadline) {
          status = (await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined))?.status ?? 0;
          if (status !== 200) await new Promise((r) => setTimeout(r, 100));
        }
        expect(status, path).toBe(200);
      }
    } finally {
      server.kill("SIGKILL");
    }
  });
});

const kustomize = findKustomize(root);
if (!kustomize) {
  // CI installs it (.ci/run), so there a missing kustomize fails instead of skipping.
  if (process.env.CI) throw new Error("kustomize is missing: .ci/run installs it");
  console.warn(
    "kustomize not found: rendered overlays are not checked. Run `pnpm --filter @bazaar/deploy run install-kustomize`.",
  );
}

describe.skipIf(!kustomize).each([
  { overlay: "dev", jsReplicas: 1 },
  { overlay: "prod", jsReplicas: 3 },
])("the $overlay overlay, rendered by kustomize", ({ overlay, jsReplicas }) => {
  let objects: KubeObject[] = [];
  beforeAll(() => {
    objects = parseManifests(kustomizeBuild(kustomize as string, join(k8sDir, "overlays", overlay)), overlay);
  });

  it("passes the Kubernetes schemas", () => {
    expect(objects.map((o) => o.kind)).toEqual(
      expect.arrayContaining(["Namespace", "StatefulSet", "Deployment"]),
    );
    expect(objects.flatMap(validateObject)).toEqual([]);
  });

  it("runs every service as it must run: one SQLite writer with a volume, production env, secrets, limits", () => {
    expect(checkServices(objects, { services, jsReplicas })).toEqual([]);
    expect(checkProbes(objects, served)).toEqual([]);
  });

  it("runs a three-server NATS cluster with durable JetStream", () => {
    expect(checkNats(objects)).toEqual([]);
  });

  it("tells each gateway replica how many there are, so each holds its share of the rate limits", () => {
    const gateway = workload(objects, "gateway");
    const env = container(objects, "gateway").env ?? [];
    expect(env.filter((e) => e.name === "GATEWAY_REPLICAS")).toEqual([
      { name: "GATEWAY_REPLICAS", value: String(gateway.spec.replicas) },
    ]);
    expect(gateway.spec.replicas).toBe(overlay === "dev" ? 1 : 2);
  });

  it("runs each partitioned service as pods that agree on their count and know their index", () => {
    for (const name of ["payments", "shipping", "orders", "order-views", "notifications"]) {
      const env = container(objects, name).env ?? [];
      expect(env.find((e) => e.name === "INSTANCES")?.value).toBe(
        String(workload(objects, name).spec.replicas),
      );
      expect(env.find((e) => e.name === "ORDINAL")?.valueFrom?.fieldRef?.fieldPath).toBe(
        "metadata.labels['apps.kubernetes.io/pod-index']",
      );
      expect(workload(objects, name).spec.replicas).toBe(2);
    }
    expect(workload(objects, "inventory").spec.replicas).toBe(1);
    // The broker's permissions name each partition's durables up to DEFAULT_GRANTED_PARTITIONS.
    const settings = objects.find(
      (o) => o.kind === "ConfigMap" && "PARTITIONS" in ((o as { data?: object }).data ?? {}),
    ) as (KubeObject & { data: Record<string, string> }) | undefined;
    expect(Number(settings?.data.PARTITIONS)).toBeGreaterThan(1);
    expect(Number(settings?.data.PARTITIONS)).toBeLessThanOrEqual(DEFAULT_GRANTED_PARTITIONS);
  });

  it("puts everything in its namespace", () => {
    const namespace = objects.find((o) => o.kind === "Namespace")?.metadata.name;
    expect(namespace).toBe(overlay === "prod" ? "bazaar" : "bazaar-dev");
    const elsewhere = objects.filter(
      (o) => o.kind !== "Namespace" && (o.metadata as { namespace?: string }).namespace !== namespace,
    );
    expect(elsewhere.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });

  it("fails the checks when a service gets a second writer, loses its volume or NATS loses durability", () => {
    const broken = mutate(objects, (copy) => {
      workload(copy, "inventory").spec.replicas = 2;
      workload(copy, "payments").spec.replicas = 3;
      container(copy, "users").volumeMounts = [];
      const conf = copy.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("nats-config")) as
        | (KubeObject & { data: Record<string, string> })
        | undefined;
      if (conf)
        conf.data["nats.conf"] =
          `${conf.data["nats.conf"]?.replace("sync_interval: always", "") ?? ""}no_auth_user: "operator"\n`;
      // notifications connecting as payments would have payments' permissions.
      const notifications = container(copy, "notifications").env ?? [];
      for (const v of notifications) if (v.name === "NATS_USER") v.value = "payments";
      // The servers reading orders' password from payments' Secret.
      for (const v of container(copy, "nats").env ?? [])
        if (v.name === "NATS_PASSWORD_ORDERS" && v.valueFrom?.secretKeyRef)
          v.valueFrom.secretKeyRef.name = "nats-user-payments";
    });
    expect(checkServices(broken, { services, jsReplicas })).toEqual([
      "StatefulSet/inventory: replicas 2, but SQLite has one writer",
      'StatefulSet/notifications: NATS_USER is "payments", expected "notifications"',
      "StatefulSet/payments: replicas 3, but INSTANCES is 2",
      "StatefulSet/users: nothing is mounted at DATA_DIR /data",
    ]);
    expect(checkNats(broken)).toEqual([
      "nats.conf: JetStream must fsync every write (sync_interval: always)",
      "StatefulSet/nats: NATS_PASSWORD_ORDERS (user orders) must come from Secret nats-user-orders key password",
      "nats.conf: no_auth_user lets connections without credentials in",
    ]);
  });

  if (overlay === "dev") {
    it("generates the Secrets the pods read, with an Ed25519 private JWK", () => {
      const secret = (name: string) =>
        objects.find((o) => o.kind === "Secret" && o.metadata.name.startsWith(`${name}-`))?.data as
          | Record<string, string>
          | undefined;
      for (const user of ["operator", ...services.map((s) => s.name)])
        expect(Object.keys(secret(`nats-user-${user}`) ?? {}), user).toEqual(["password"]);
      // Every Secret a pod reads is generated, with the key it reads.
      for (const w of workloads(objects)) {
        for (const c of w.pod.containers) {
          for (const v of c.env ?? []) {
            const ref = v.valueFrom?.secretKeyRef;
            if (!ref) continue;
            const found = objects.find((o) => o.kind === "Secret" && o.metadata.name === ref.name);
            expect(
              found?.data as Record<string, string> | undefined,
              `${w.object.metadata.name} ${v.name}`,
            ).toHaveProperty(ref.key);
          }
        }
      }
      const users = secret("users-secrets") ?? {};
      expect(Object.keys(users).sort()).toEqual(["admin-password", "customer-password", "jwt-private-jwk"]);
      const jwk = JSON.parse(Buffer.from(users["jwt-private-jwk"] ?? "", "base64").toString("utf8"));
      expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", kid: expect.any(String) });
      expect(jwk.d).toEqual(expect.any(String));
    });
  } else {
    it("carries no secret, and pins released images from the registry", () => {
      expect(objects.filter((o) => o.kind === "Secret")).toEqual([]);
      const images = workloads(objects).flatMap((w) => w.pod.containers.map((c) => c.image ?? ""));
      expect(images.filter((image: string) => image.startsWith("bazaar/") || !image.includes(":"))).toEqual(
        [],
      );
    });
  }
});
