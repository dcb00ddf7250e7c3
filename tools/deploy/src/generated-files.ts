import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderDockerfile } from "./docker/dockerfile.js";
import { brokerFiles } from "./k8s/broker-config.js";
import { renderServiceManifests, renderServicesKustomization } from "./k8s/service-manifests.js";
import { findRepoRoot, listServices } from "./repo.js";

/** The tool's own folder: generated files live beside the code that generates them. */
export const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
export const dockerDir = join(packageDir, "docker");
export const k8sDir = join(packageDir, "k8s");
export const baseServicesDir = join(k8sDir, "base", "services");

/** Every generated file, by absolute path, with the content it must have. */
export function generatedFiles(root: string = findRepoRoot()): Map<string, string> {
  const services = listServices(root);
  const files = new Map<string, string>();
  for (const service of services) {
    files.set(join(dockerDir, `${service.name}.Dockerfile`), renderDockerfile(service, root));
    files.set(join(baseServicesDir, `${service.name}.yaml`), renderServiceManifests(service));
  }
  files.set(join(baseServicesDir, "kustomization.yaml"), renderServicesKustomization(services));
  return files;
}

/**
 * `allGeneratedFiles` is `generatedFiles` plus the broker's files, which need the services' declarations
 * (imported from their packages): the permissions, their server configuration and the cluster's NATS config.
 */
export async function allGeneratedFiles(root: string = findRepoRoot()): Promise<Map<string, string>> {
  return new Map([...generatedFiles(root), ...(await brokerFiles(root, listServices(root)))]);
}

/** Files in the generated folders that the generator would not write (a removed service's). */
export function strayFiles(expected: ReadonlyMap<string, string>): string[] {
  return [dockerDir, baseServicesDir].flatMap((dir) => {
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      return [];
    }
    return entries.map((entry) => join(dir, entry)).filter((path) => !expected.has(path));
  });
}

/** Paths whose content differs from what the generator writes. */
export function outOfDate(expected: ReadonlyMap<string, string>): string[] {
  return [...expected].flatMap(([path, content]) => {
    try {
      return readFileSync(path, "utf8") === content ? [] : [path];
    } catch {
      return [path];
    }
  });
}
