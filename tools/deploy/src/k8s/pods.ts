import type { IContainer } from "kubernetes-models/v1/Container";
import type { IPodSpec } from "kubernetes-models/v1/PodSpec";
import type { KubeObject } from "./objects.js";

/** A workload's pod template, for the kinds that run pods. */
export interface Workload {
  readonly object: KubeObject;
  readonly labels: Record<string, string>;
  readonly pod: IPodSpec;
}

const WORKLOAD_KINDS = new Set(["StatefulSet", "Deployment"]);

/** `workloads` picks the objects that run pods, with their pod spec. */
export function workloads(objects: readonly KubeObject[]): Workload[] {
  return objects
    .filter((object) => WORKLOAD_KINDS.has(object.kind))
    .map((object) => {
      const spec = object.spec as { template?: { spec?: IPodSpec } } | undefined;
      return {
        object,
        labels: object.metadata.labels ?? {},
        pod: spec?.template?.spec ?? { containers: [] },
      };
    });
}

/** The value of every variable a container gets, from `env` and from ConfigMaps it reads with `envFrom`. */
export function resolvedEnv(
  container: IContainer,
  objects: readonly KubeObject[],
): Map<string, { value?: string; secret?: { name: string; key: string } }> {
  const result = new Map<string, { value?: string; secret?: { name: string; key: string } }>();
  for (const source of container.envFrom ?? []) {
    const name = source.configMapRef?.name;
    const map = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name === name);
    for (const [key, value] of Object.entries((map?.data as Record<string, string>) ?? {})) {
      result.set(key, { value });
    }
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef;
    result.set(
      variable.name,
      ref
        ? { secret: { name: ref.name ?? "", key: ref.key } }
        : { ...(variable.value ? { value: variable.value } : {}) },
    );
  }
  return result;
}

/**
 * `isSecretRef` says whether a reference names `secret`: as written, or as kustomize's secretGenerator
 * renames it (`<name>-<content hash>`).
 */
export function isSecretRef(
  got: { name: string; key: string } | undefined,
  secret: string,
  key: string,
): boolean {
  return (
    Boolean(got) &&
    got?.key === key &&
    (got.name === secret || new RegExp(`^${secret}-[a-z0-9]{10}$`).test(got.name))
  );
}
