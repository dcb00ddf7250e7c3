import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";

/** A Secret key a service's manifest reads into an environment variable. */
interface SecretRef {
  readonly variable: string;
  readonly secret: string;
  readonly key: string;
}

interface Kustomization {
  readonly secretGenerator?: ReadonlyArray<{
    readonly name: string;
    readonly literals?: readonly string[];
    readonly files?: readonly string[];
  }>;
}

const k8sDir = (root: string) => join(root, "tools", "deploy", "k8s");

/** Splits `key=value` at the first `=`. */
function pair(text: string): [string, string] {
  const at = text.indexOf("=");
  return [text.slice(0, at), text.slice(at + 1)];
}

/** The dev overlay's generated Secrets: public development values, meant for exactly this kind of use. */
export function devOverlaySecrets(root: string): Map<string, Map<string, string>> {
  const overlay = join(k8sDir(root), "overlays", "dev");
  const kustomization = parse(readFileSync(join(overlay, "kustomization.yaml"), "utf8")) as Kustomization;
  const secrets = new Map<string, Map<string, string>>();
  for (const generator of kustomization.secretGenerator ?? []) {
    const values = new Map<string, string>();
    for (const literal of generator.literals ?? []) values.set(...pair(literal));
    for (const file of generator.files ?? []) {
      const [key, path] = pair(file);
      values.set(key, readFileSync(join(overlay, path), "utf8").trim());
    }
    secrets.set(generator.name, values);
  }
  return secrets;
}

/** Every `valueFrom.secretKeyRef` in a service's generated manifests. */
function secretRefs(root: string, service: string): SecretRef[] {
  const text = readFileSync(join(k8sDir(root), "base", "services", `${service}.yaml`), "utf8");
  const refs: SecretRef[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== "object" || node === null) return;
    const env = node as { name?: unknown; valueFrom?: { secretKeyRef?: { name?: unknown; key?: unknown } } };
    const ref = env.valueFrom?.secretKeyRef;
    if (typeof env.name === "string" && typeof ref?.name === "string" && typeof ref.key === "string")
      refs.push({ variable: env.name, secret: ref.name, key: ref.key });
    for (const value of Object.values(node)) visit(value);
  };
  for (const doc of parseAllDocuments(text)) visit(doc.toJS());
  return refs;
}

/**
 * `serviceSecrets` is the environment a service's manifests fill from Secrets, resolved against the dev
 * overlay: what a service needs to start in production (users' signing key and passwords, the NATS
 * credentials) without the harness naming any service.
 */
export function serviceSecrets(root: string, service: string): Record<string, string> {
  const secrets = devOverlaySecrets(root);
  const env: Record<string, string> = {};
  for (const ref of secretRefs(root, service)) {
    const value = secrets.get(ref.secret)?.get(ref.key);
    if (value === undefined)
      throw new Error(
        `${service}: ${ref.variable} reads ${ref.secret}/${ref.key}, which the dev overlay does not generate`,
      );
    env[ref.variable] = value;
  }
  return env;
}
