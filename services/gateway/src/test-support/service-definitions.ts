import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ServiceDefinition } from "@bazaar/service-kit";
import { findService } from "@bazaar/topology";

// The repository root, from this file (services/gateway/src/test-support/).
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));

/**
 * `serviceDefinition` loads another service's definition from its folder, found in the registry
 * (packages/topology), for the gateway's tests to run it in-process. The gateway's package depends on no
 * other service: services meet only through NATS, and only this test harness needs their code.
 */
export async function serviceDefinition(name: string): Promise<ServiceDefinition> {
  const entry = findService(name);
  const file = pathToFileURL(join(ROOT, entry.folder, "src", "service.ts")).href;
  const module = (await import(file)) as { service?: ServiceDefinition };
  if (!module.service) throw new Error(`${entry.folder}/src/service.ts exports no \`service\``);
  return module.service;
}
