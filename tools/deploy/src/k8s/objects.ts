import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { parseAllDocuments } from "yaml";

/** A parsed Kubernetes object; the checks read it as plain data. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

/** The kinds Bazaar's manifests use, each with its schema from the Kubernetes OpenAPI (offline). */
const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  "apps/v1 StatefulSet": StatefulSet,
  "apps/v1 Deployment": Deployment,
  "v1 Service": Service,
  "v1 ConfigMap": ConfigMap,
  "v1 Secret": Secret,
  "v1 Namespace": Namespace,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
};

/** `parseManifests` reads every document of a (multi-document) YAML text, skipping empty ones. */
export function parseManifests(text: string, source = "manifest"): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${source} document ${index + 1}: ${doc.errors[0]?.message}`);
    const value = doc.toJS() as unknown;
    return value === null || value === undefined ? [] : [value as KubeObject];
  });
}

/** `describe` names an object in messages: `StatefulSet/users`. */
export function describe(object: KubeObject): string {
  return `${object.kind}/${object.metadata?.name ?? "?"}`;
}

/**
 * kustomize wraps long base64 Secret values over several lines; the API server ignores those line breaks
 * when it decodes, the schema's `byte` format does not, so they are removed before validating.
 */
function apiServerView(object: KubeObject): KubeObject {
  if (object.kind !== "Secret" || !object.data) return object;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, string>).map(([key, value]) => [
      key,
      value.replace(/\s+/g, ""),
    ]),
  );
  return { ...object, data };
}

/**
 * `validateObject` checks one object against its Kubernetes schema and returns the problems: an unknown
 * kind is one, so a new kind cannot slip past the check.
 */
export function validateObject(object: KubeObject): string[] {
  const model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!model) return [`${describe(object)}: no schema known for ${object.apiVersion} ${object.kind}`];
  if (!object.metadata?.name) return [`${object.kind}: no metadata.name`];
  try {
    new model(apiServerView(object) as never).validate();
    return [];
  } catch (err) {
    return [`${describe(object)}: ${err instanceof Error ? err.message : String(err)}`];
  }
}
